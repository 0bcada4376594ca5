//! Spaced review: which quiz question to ask next, from the history of answers.
//! Leitner boxes: a right answer moves an item up a box (asked again later and later), a wrong
//! one sends it back to box 0, due again a few questions later — not at once, so it is recalled.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::quiz::Question;

/// How many turns later an item in box N is due again.
pub const INTERVALS: [u64; 5] = [3, 6, 12, 24, 48];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: String,
    pub correct: bool,
    /// The turn (question counter) at which it was answered.
    pub turn: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ItemState {
    boxed: usize,
    due: u64,
    last: u64,
}

fn states(history: &[Attempt]) -> BTreeMap<&str, ItemState> {
    let mut out: BTreeMap<&str, ItemState> = BTreeMap::new();
    for a in history {
        let prev = out.get(a.id.as_str()).map_or(0, |s| s.boxed);
        let boxed = if a.correct {
            (prev + 1).min(INTERVALS.len() - 1)
        } else {
            0
        };
        let boxed = if a.correct && !out.contains_key(a.id.as_str()) {
            1
        } else {
            boxed
        };
        out.insert(
            &a.id,
            ItemState {
                boxed,
                due: a.turn + INTERVALS[boxed],
                last: a.turn,
            },
        );
    }
    out
}

/// The next question for turn `turn`: first the due items (lowest box, then most overdue),
/// then unseen items in bank order, then the item due soonest. Never the one just asked,
/// unless it is the only one. `topic` narrows the bank.
pub fn next_question<'a>(
    bank: &'a [Question],
    history: &[Attempt],
    turn: u64,
    topic: Option<&str>,
) -> Option<&'a Question> {
    let pool: Vec<&Question> = bank
        .iter()
        .filter(|q| topic.is_none_or(|t| q.topic == t))
        .collect();
    let st = states(history);
    let just_asked = history.last().map(|a| a.id.as_str());
    let candidates: Vec<&Question> = pool
        .iter()
        .copied()
        .filter(|q| Some(q.id.as_str()) != just_asked)
        .collect();
    let candidates = if candidates.is_empty() {
        pool
    } else {
        candidates
    };
    let due = candidates
        .iter()
        .filter_map(|q| {
            st.get(q.id.as_str())
                .filter(|s| s.due <= turn)
                .map(|s| (s.boxed, s.due, s.last, *q))
        })
        .min_by_key(|(b, due, last, _)| (*b, *due, *last));
    if let Some((.., q)) = due {
        return Some(q);
    }
    if let Some(q) = candidates.iter().find(|q| !st.contains_key(q.id.as_str())) {
        return Some(q);
    }
    candidates
        .iter()
        .copied()
        .min_by_key(|q| st.get(q.id.as_str()).map_or(0, |s| s.due))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::quiz::parse_quiz;

    fn bank() -> Vec<Question> {
        let mut src = String::new();
        for i in 1..=6 {
            src.push_str(&format!(
                "## q{i}\ntopic: lifecycle\ntype: short\nquestion: ?\naccept: x\nanswer: x\n"
            ));
        }
        parse_quiz("t.md", &src).unwrap()
    }

    fn ask(bank: &[Question], h: &[Attempt], turn: u64) -> String {
        next_question(bank, h, turn, None).unwrap().id.clone()
    }

    fn at(id: &str, correct: bool, turn: u64) -> Attempt {
        Attempt {
            id: id.into(),
            correct,
            turn,
        }
    }

    #[test]
    fn a_missed_item_comes_back_later_not_at_once() {
        let b = bank();
        let mut h = vec![];
        assert_eq!(ask(&b, &h, 0), "q1");
        h.push(at("q1", false, 0));
        assert_eq!(ask(&b, &h, 1), "q2");
        h.push(at("q2", true, 1));
        assert_eq!(ask(&b, &h, 2), "q3");
        h.push(at("q3", true, 2));
        // q1 was missed at turn 0: due at turn 3, before any new item
        assert_eq!(ask(&b, &h, 3), "q1");
        h.push(at("q1", true, 3));
        assert_eq!(ask(&b, &h, 4), "q4");
    }

    #[test]
    fn right_answers_space_out_and_topics_filter() {
        let b = bank();
        let h: Vec<Attempt> = (0..6)
            .map(|i| at(&format!("q{}", i + 1), true, i))
            .collect();
        // everything seen, box 1 (due 6 turns later): q1 is due first, at turn 6
        assert_eq!(ask(&b, &h, 6), "q1");
        // nothing due yet at turn 5: the soonest due, but not the one just asked
        assert_eq!(ask(&b, &h, 5), "q1");
        assert!(next_question(&b, &h, 6, Some("layers")).is_none());
    }
}
