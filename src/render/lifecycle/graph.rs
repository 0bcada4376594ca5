//! The lifecycle state machine as a graph, built from `engine::state::EDGES` so that the drawing
//! can never disagree with the guards that accept or refuse a move.
use std::collections::BTreeMap;

use petgraph::graph::DiGraph;
use petgraph::visit::EdgeRef;

use crate::engine::state::{ContainerStatus, EDGES, Transition};

/// One node per status (in `ContainerStatus::ALL` order), one edge per row of `EDGES`.
pub fn lifecycle_graph() -> DiGraph<ContainerStatus, Transition> {
    let mut graph = DiGraph::new();
    let nodes: Vec<_> = ContainerStatus::ALL
        .iter()
        .map(|s| (*s, graph.add_node(*s)))
        .collect();
    let node = |s: ContainerStatus| nodes.iter().find(|(st, _)| *st == s).map(|(_, n)| *n);
    for (from, transition, to) in EDGES {
        if let (Some(a), Some(b)) = (node(*from), node(*to)) {
            graph.add_edge(a, b, *transition);
        }
    }
    graph
}

/// The moves between each pair of statuses, in table order: one arrow per pair in the drawing.
pub fn moves_by_pair() -> BTreeMap<(ContainerStatus, ContainerStatus), Vec<Transition>> {
    let graph = lifecycle_graph();
    let mut pairs: BTreeMap<_, Vec<Transition>> = BTreeMap::new();
    let mut edges: Vec<_> = graph.edge_references().collect();
    edges.sort_by_key(|e| e.id());
    for edge in edges {
        let key = (graph[edge.source()], graph[edge.target()]);
        pairs.entry(key).or_default().push(*edge.weight());
    }
    pairs
}

/// The label of an arrow: its moves joined by `/`, e.g. `stop/kill/die`.
pub fn label(moves: &[Transition]) -> String {
    moves
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContainerStatus as S;

    #[test]
    fn every_table_edge_is_in_the_graph() {
        let graph = lifecycle_graph();
        assert_eq!(graph.node_count(), ContainerStatus::ALL.len());
        assert_eq!(graph.edge_count(), EDGES.len());
        let pairs = moves_by_pair();
        assert_eq!(label(&pairs[&(S::Running, S::Exited)]), "stop/kill/die");
        assert_eq!(label(&pairs[&(S::Exited, S::Running)]), "start/restart");
        assert_eq!(pairs.values().map(Vec::len).sum::<usize>(), EDGES.len());
    }
}
