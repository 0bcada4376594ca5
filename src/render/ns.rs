//! `show ns CTR`: the container's namespaces beside the host's, read from /proc/<pid>/ns/*.
//! A differing inode means the container has its own namespace; an equal one means it shares
//! the host's. And one kernel for both: a container is isolated processes, not a machine.
use super::style::{Paint, Style, join, pad, truncate, wrap, wrap_hanging};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsView {
    pub container: String,
    /// Host pid of the container's PID 1.
    pub pid: u32,
    pub rows: Vec<NsRow>,
    pub container_cgroups: Vec<String>,
    pub host_cgroup: String,
    /// Whose namespaces the host column shows, e.g. "the host's PID 1".
    pub host_label: String,
    pub kernel_inside: String,
    pub kernel_host: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsRow {
    /// pid, mnt, uts, ipc, net, cgroup, user.
    pub kind: String,
    /// The namespace's inode, as in "pid:[4026532301]".
    pub container: String,
    pub host: String,
}

impl NsRow {
    pub fn own(&self) -> bool {
        self.container != self.host
    }
}

/// Below this width the verdicts shrink to one word and a legend explains them.
const WIDE: usize = 60;

pub fn render_ns(view: &NsView, style: &Style) -> String {
    let width = style.width;
    let wide = width >= WIDE;
    let title = format!(
        "Namespaces of {} (its PID 1 is host pid {}) beside {}",
        view.container, view.pid, view.host_label
    );
    let mut lines: Vec<String> = wrap(&title, width, style)
        .into_iter()
        .map(|l| style.paint(&l, Paint::Title))
        .collect();
    let ino = view
        .rows
        .iter()
        .flat_map(|r| [r.container.len(), r.host.len()])
        .chain(["container".len(), "host".len()])
        .max()
        .unwrap_or(0);
    let head = format!(
        "  {}  {}  {}",
        pad("ns", 6),
        pad("container", ino),
        pad("host", ino)
    );
    lines.push(style.paint(&head, Paint::Dim));
    let (ne, eq) = if style.ascii {
        ("!= ", "=  ")
    } else {
        ("≠ ", "= ")
    };
    for r in &view.rows {
        let (mark, verdict, paint) = match (r.own(), wide) {
            (true, true) => (ne, "own namespace", Paint::Current),
            (true, false) => (ne, "own", Paint::Current),
            (false, true) => (eq, "shared with the host", Paint::Dim),
            (false, false) => (eq, "shared", Paint::Dim),
        };
        let cells = format!(
            "  {}  {}  {}  {mark}",
            pad(&r.kind, 6),
            pad(&r.container, ino),
            pad(&r.host, ino)
        );
        lines.push(format!("{cells}{}", style.paint(verdict, paint)));
    }
    if !wide {
        let legend = "own = own namespace; shared = shared with the host";
        lines.extend(
            wrap(legend, width, style)
                .into_iter()
                .map(|l| style.paint(&l, Paint::Dim)),
        );
    }
    lines.push(String::new());
    for (i, cg) in view.container_cgroups.iter().enumerate() {
        let head = if i == 0 { "cgroups: " } else { "         " };
        lines.push(format!(
            "{head}{}",
            truncate(cg, width.saturating_sub(head.len()), style)
        ));
    }
    lines.extend(wrap_hanging(
        "         ",
        &format!("(host side: {})", view.host_cgroup),
        width,
        style,
    ));
    let kernel = if view.kernel_inside == view.kernel_host {
        format!(
            "kernel: {} inside and outside: one kernel, shared. The namespaces only change what \
             the processes can see.",
            view.kernel_inside
        )
    } else {
        // Never expected on Linux; shown as read rather than smoothed over.
        format!(
            "kernel: {} inside, {} outside",
            view.kernel_inside, view.kernel_host
        )
    };
    lines.extend(wrap_hanging("", &kernel, width, style));
    join(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> NsView {
        let row = |kind: &str, c: &str, h: &str| NsRow {
            kind: kind.into(),
            container: c.into(),
            host: h.into(),
        };
        NsView {
            container: "web".into(),
            pid: 4242,
            rows: vec![
                row("pid", "4026532301", "4026531836"),
                row("mnt", "4026532299", "4026531841"),
                row("uts", "4026532300", "4026531838"),
                row("ipc", "4026532298", "4026531839"),
                row("net", "4026532303", "4026531840"),
                row("cgroup", "4026531835", "4026531835"),
                row("user", "4026531837", "4026531837"),
            ],
            container_cgroups: vec![
                "/sys/fs/cgroup/memory/dockerlings/0de8682af183".into(),
                "/sys/fs/cgroup/pids/dockerlings/0de8682af183".into(),
            ],
            host_cgroup: "/".into(),
            host_label: "the host's PID 1".into(),
            kernel_inside: "6.18.0".into(),
            kernel_host: "6.18.0".into(),
        }
    }

    #[test]
    fn own_is_a_differing_inode() {
        let v = view();
        let own: Vec<&str> = v
            .rows
            .iter()
            .filter(|r| r.own())
            .map(|r| r.kind.as_str())
            .collect();
        assert_eq!(own, ["pid", "mnt", "uts", "ipc", "net"]);
    }

    #[test]
    fn unicode_80() {
        insta::assert_snapshot!(render_ns(&view(), &Style::plain(80, false)), @r"
        Namespaces of web (its PID 1 is host pid 4242) beside the host's PID 1
          ns      container   host
          pid     4026532301  4026531836  ≠ own namespace
          mnt     4026532299  4026531841  ≠ own namespace
          uts     4026532300  4026531838  ≠ own namespace
          ipc     4026532298  4026531839  ≠ own namespace
          net     4026532303  4026531840  ≠ own namespace
          cgroup  4026531835  4026531835  = shared with the host
          user    4026531837  4026531837  = shared with the host

        cgroups: /sys/fs/cgroup/memory/dockerlings/0de8682af183
                 /sys/fs/cgroup/pids/dockerlings/0de8682af183
                 (host side: /)
        kernel: 6.18.0 inside and outside: one kernel, shared. The namespaces only
        change what the processes can see.
        ");
    }

    #[test]
    fn ascii_80() {
        insta::assert_snapshot!(render_ns(&view(), &Style::plain(80, true)), @r"
        Namespaces of web (its PID 1 is host pid 4242) beside the host's PID 1
          ns      container   host
          pid     4026532301  4026531836  != own namespace
          mnt     4026532299  4026531841  != own namespace
          uts     4026532300  4026531838  != own namespace
          ipc     4026532298  4026531839  != own namespace
          net     4026532303  4026531840  != own namespace
          cgroup  4026531835  4026531835  =  shared with the host
          user    4026531837  4026531837  =  shared with the host

        cgroups: /sys/fs/cgroup/memory/dockerlings/0de8682af183
                 /sys/fs/cgroup/pids/dockerlings/0de8682af183
                 (host side: /)
        kernel: 6.18.0 inside and outside: one kernel, shared. The namespaces only
        change what the processes can see.
        ");
    }

    #[test]
    fn unicode_50() {
        insta::assert_snapshot!(render_ns(&view(), &Style::plain(50, false)), @r"
        Namespaces of web (its PID 1 is host pid 4242)
        beside the host's PID 1
          ns      container   host
          pid     4026532301  4026531836  ≠ own
          mnt     4026532299  4026531841  ≠ own
          uts     4026532300  4026531838  ≠ own
          ipc     4026532298  4026531839  ≠ own
          net     4026532303  4026531840  ≠ own
          cgroup  4026531835  4026531835  = shared
          user    4026531837  4026531837  = shared
        own = own namespace; shared = shared with the host

        cgroups: /sys/fs/cgroup/memory/dockerlings/0de868…
                 /sys/fs/cgroup/pids/dockerlings/0de8682a…
                 (host side: /)
        kernel: 6.18.0 inside and outside: one kernel,
        shared. The namespaces only change what the
        processes can see.
        ");
    }

    #[test]
    fn ascii_50() {
        insta::assert_snapshot!(render_ns(&view(), &Style::plain(50, true)), @r"
        Namespaces of web (its PID 1 is host pid 4242)
        beside the host's PID 1
          ns      container   host
          pid     4026532301  4026531836  != own
          mnt     4026532299  4026531841  != own
          uts     4026532300  4026531838  != own
          ipc     4026532298  4026531839  != own
          net     4026532303  4026531840  != own
          cgroup  4026531835  4026531835  =  shared
          user    4026531837  4026531837  =  shared
        own = own namespace; shared = shared with the host

        cgroups: /sys/fs/cgroup/memory/dockerlings/0de8...
                 /sys/fs/cgroup/pids/dockerlings/0de868...
                 (host side: /)
        kernel: 6.18.0 inside and outside: one kernel,
        shared. The namespaces only change what the
        processes can see.
        ");
    }
}
