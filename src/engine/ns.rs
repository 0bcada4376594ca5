//! The view behind `show ns CTR`: the backend reads the kernel's evidence; the engine checks
//! the container is alive and names it. The simulator refuses (it has no kernel to read).
use super::Engine;
use super::error::EngineResult;
use crate::render::ns::{NsRow, NsView};

/// "pid:[4026532301]" -> "4026532301"; anything else is shown as read.
fn inode(link: &str) -> String {
    link.split_once(":[")
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .unwrap_or(link)
        .to_string()
}

impl Engine {
    pub fn ns_view(&mut self, name: &str) -> EngineResult<NsView> {
        let c = self.live_container(name)?;
        let spec = self.launch_spec(&c)?;
        let ev = self.runtime.namespaces(&spec)?;
        let rows = ev
            .container
            .iter()
            .map(|(kind, link)| NsRow {
                kind: kind.clone(),
                container: inode(link),
                host: ev
                    .host
                    .iter()
                    .find(|(k, _)| k == kind)
                    .map(|(_, l)| inode(l))
                    .unwrap_or_else(|| "?".to_string()),
            })
            .collect();
        Ok(NsView {
            container: c.name.clone(),
            pid: ev.container_pid,
            rows,
            container_cgroups: ev.container_cgroups,
            host_cgroup: ev.host_cgroup,
            host_label: ev.host_label,
            kernel_inside: ev.kernel_inside,
            kernel_host: ev.kernel_host,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn inode_from_link() {
        assert_eq!(super::inode("pid:[4026532301]"), "4026532301");
        assert_eq!(super::inode("odd"), "odd");
    }
}
