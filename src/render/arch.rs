//! Docker's architecture, for one command. Teaches that the client only sends requests, that the
//! daemon (dockerd) does the work with what it keeps on this host, and that only a few commands
//! (pull, push, login, search, or run of an image that is not here yet) reach a registry over the
//! network.
use super::canvas::Canvas;
use super::style::{Paint, Style, join, wrap};

/// What the architecture diagram shows.
#[derive(Debug, Clone, Default)]
pub struct ArchView {
    /// The command being explained, e.g. "docker pull busybox".
    pub command: Option<String>,
    pub touches: ArchTouch,
}

/// The parts a command involves.
#[derive(Debug, Clone, Default)]
pub struct ArchTouch {
    pub client: bool,
    pub daemon: bool,
    pub registry: bool,
    /// Objects the daemon reads or changes, e.g. "container web", "image busybox:latest".
    /// The first word (image, container, volume, layer, network) picks the part highlighted.
    pub objects: Vec<String>,
}

/// The daemon's parts, as the course notes list them, and the object words that belong to each.
const PARTS: [(&str, &[&str]); 4] = [
    ("images", &["image", "images"]),
    ("containers", &["container", "containers"]),
    (
        "storage",
        &["layer", "layers", "volume", "volumes", "storage"],
    ),
    ("networks", &["network", "networks"]),
];

pub fn render_arch(view: &ArchView, style: &Style) -> String {
    let title = match &view.command {
        Some(cmd) => format!("Docker architecture: {cmd}"),
        None => "Docker architecture".to_string(),
    };
    let mut lines: Vec<String> = wrap(&title, style.width, style)
        .into_iter()
        .map(|l| style.paint(&l, Paint::Title))
        .collect();
    let wide = side_by_side(view, style);
    let canvas = if wide.width() <= style.width {
        wide
    } else {
        stacked(view, style)
    };
    lines.extend(canvas.lines(style));
    let legend = if style.ascii {
        "#==# and *name*: used by this command   .... / :  not used"
    } else {
        "heavy ━ and *name*: used by this command   ┄ not used"
    };
    lines.extend(
        wrap(legend, style.width, style)
            .into_iter()
            .map(|l| style.paint(&l, Paint::Dim)),
    );
    lines.push(String::new());
    if !view.touches.objects.is_empty() {
        let text = format!("touches: {}", view.touches.objects.join(", "));
        lines.extend(wrap(&text, style.width, style));
    }
    let network = if view.touches.registry {
        "needs the network: the daemon talks to the registry (pull, push, login and search do, \
         and run when the image is not here yet)."
    } else {
        "no network needed: the daemon works with what it already has on this host."
    };
    lines.extend(wrap(network, style.width, style));
    let idea = "The client only sends requests over the API; dockerd does the work and keeps \
                images, containers, storage and networks on this host.";
    lines.extend(
        wrap(idea, style.width, style)
            .into_iter()
            .map(|l| style.paint(&l, Paint::Dim)),
    );
    join(&lines)
}

/// Whether an object word names this daemon part.
fn part_touched(words: &[&str], objects: &[String]) -> bool {
    objects.iter().any(|o| {
        let first = o.split_whitespace().next().unwrap_or("").to_lowercase();
        words.contains(&first.as_str())
    })
}

fn paint_if(on: bool) -> Option<Paint> {
    on.then_some(Paint::Last)
}

/// A request arrow: solid and painted when the command sends one, dotted when it does not.
fn arrow_glyph(on: bool, style: &Style) -> char {
    match (on, style.ascii) {
        (true, _) => style.glyphs().hh,
        (false, true) => '.',
        (false, false) => '┄',
    }
}

fn part_label(name: &str, touched: bool) -> String {
    if touched {
        format!("*{name}*")
    } else {
        format!(" {name} ")
    }
}

fn daemon_parts(c: &mut Canvas, x: usize, y: usize, view: &ArchView) {
    for (i, (name, words)) in PARTS.iter().enumerate() {
        let touched = part_touched(words, &view.touches.objects);
        let (col, row) = (i % 2, i / 2);
        c.text(
            x + col * 13,
            y + row,
            &part_label(name, touched),
            paint_if(touched),
        );
    }
}

/// client ──▶ daemon ──▶ registry, left to right, as in the course notes (73 columns).
fn side_by_side(view: &ArchView, style: &Style) -> Canvas {
    let t = &view.touches;
    let g = style.glyphs();
    let mut c = Canvas::new();
    c.rect((0, 0), (14, 4), t.client, paint_if(t.client), style);
    c.text(2, 1, "client", paint_if(t.client));
    c.text(2, 2, "docker CLI", None);

    let to_daemon = t.client && t.daemon;
    c.text(16, 1, "API", paint_if(to_daemon));
    c.hline(
        15,
        18,
        2,
        arrow_glyph(to_daemon, style),
        paint_if(to_daemon),
    );
    c.put(19, 2, g.right, paint_if(to_daemon));

    c.rect((21, 0), (30, 5), t.daemon, paint_if(t.daemon), style);
    c.text(23, 1, "daemon (dockerd)", paint_if(t.daemon));
    daemon_parts(&mut c, 23, 2, view);

    c.text(53, 1, "HTTPS", paint_if(t.registry));
    c.hline(
        52,
        56,
        2,
        arrow_glyph(t.registry, style),
        paint_if(t.registry),
    );
    c.put(57, 2, g.right, paint_if(t.registry));

    c.rect((59, 0), (14, 4), t.registry, paint_if(t.registry), style);
    c.text(61, 1, "registry", paint_if(t.registry));
    c.text(61, 2, "Docker Hub", None);
    c
}

/// The same picture top to bottom, for narrow terminals.
fn stacked(view: &ArchView, style: &Style) -> Canvas {
    let t = &view.touches;
    let g = style.glyphs();
    let mut c = Canvas::new();
    c.rect((0, 0), (28, 3), t.client, paint_if(t.client), style);
    c.text(2, 1, "client: docker CLI", paint_if(t.client));

    let to_daemon = t.client && t.daemon;
    c.put(4, 3, arrow_glyph_v(to_daemon, style), paint_if(to_daemon));
    c.put(4, 4, g.down, paint_if(to_daemon));
    c.text(6, 3, "API request", paint_if(to_daemon));

    c.rect((0, 5), (28, 5), t.daemon, paint_if(t.daemon), style);
    c.text(2, 6, "daemon (dockerd)", paint_if(t.daemon));
    daemon_parts(&mut c, 2, 7, view);

    c.put(
        4,
        10,
        arrow_glyph_v(t.registry, style),
        paint_if(t.registry),
    );
    c.put(4, 11, g.down, paint_if(t.registry));
    c.text(6, 10, "HTTPS", paint_if(t.registry));

    c.rect((0, 12), (28, 3), t.registry, paint_if(t.registry), style);
    c.text(2, 13, "registry: Docker Hub", paint_if(t.registry));
    c
}

fn arrow_glyph_v(on: bool, style: &Style) -> char {
    match (on, style.ascii) {
        (true, true) => '|',
        (true, false) => style.glyphs().hv,
        (false, true) => ':',
        (false, false) => '┆',
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::display_width;

    fn pull() -> ArchView {
        ArchView {
            command: Some("docker pull busybox".into()),
            touches: ArchTouch {
                client: true,
                daemon: true,
                registry: true,
                objects: vec!["image busybox:latest".into(), "layers of busybox".into()],
            },
        }
    }

    fn ps() -> ArchView {
        ArchView {
            command: Some("docker ps".into()),
            touches: ArchTouch {
                client: true,
                daemon: true,
                registry: false,
                objects: vec!["container web".into()],
            },
        }
    }

    #[test]
    fn lines_fit_the_width() {
        for width in [40, 50, 60, 69, 70, 80] {
            for view in [pull(), ps(), ArchView::default()] {
                let text = render_arch(&view, &Style::plain(width, false));
                assert!(text.lines().all(|l| display_width(l) <= width), "{text}");
            }
        }
    }

    #[test]
    fn network_line_follows_the_registry() {
        assert!(render_arch(&pull(), &Style::plain(80, false)).contains("needs the network"));
        assert!(render_arch(&ps(), &Style::plain(80, false)).contains("no network needed"));
    }

    #[test]
    fn unicode_80_pull() {
        insta::assert_snapshot!(render_arch(&pull(), &Style::plain(80, false)), @r#"
            Docker architecture: docker pull busybox
            ┏━━━━━━━━━━━━┓       ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓        ┏━━━━━━━━━━━━┓
            ┃ client     ┃  API  ┃ daemon (dockerd)           ┃  HTTPS ┃ registry   ┃
            ┃ docker CLI ┃ ━━━━▶ ┃ *images*      containers   ┃ ━━━━━▶ ┃ Docker Hub ┃
            ┗━━━━━━━━━━━━┛       ┃ *storage*     networks     ┃        ┗━━━━━━━━━━━━┛
                                 ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛
            heavy ━ and *name*: used by this command ┄ not used

            touches: image busybox:latest, layers of busybox
            needs the network: the daemon talks to the registry (pull, push, login and
            search do, and run when the image is not here yet).
            The client only sends requests over the API; dockerd does the work and keeps
            images, containers, storage and networks on this host.
            "#);
    }

    #[test]
    fn ascii_80_ps() {
        insta::assert_snapshot!(render_arch(&ps(), &Style::plain(80, true)), @r#"
            Docker architecture: docker ps
            #============#       #============================#        +------------+
            # client     #  API  # daemon (dockerd)           #  HTTPS | registry   |
            # docker CLI # ====> #  images      *containers*  # .....> | Docker Hub |
            #============#       #  storage      networks     #        +------------+
                                 #============================#
            #==# and *name*: used by this command .... / : not used

            touches: container web
            no network needed: the daemon works with what it already has on this host.
            The client only sends requests over the API; dockerd does the work and keeps
            images, containers, storage and networks on this host.
            "#);
    }

    #[test]
    fn unicode_50_ps() {
        insta::assert_snapshot!(render_arch(&ps(), &Style::plain(50, false)), @r#"
            Docker architecture: docker ps
            ┏━━━━━━━━━━━━━━━━━━━━━━━━━━┓
            ┃ client: docker CLI       ┃
            ┗━━━━━━━━━━━━━━━━━━━━━━━━━━┛
                ┃ API request
                ▼
            ┏━━━━━━━━━━━━━━━━━━━━━━━━━━┓
            ┃ daemon (dockerd)         ┃
            ┃  images      *containers*┃
            ┃  storage      networks   ┃
            ┗━━━━━━━━━━━━━━━━━━━━━━━━━━┛
                ┆ HTTPS
                ▼
            ┌──────────────────────────┐
            │ registry: Docker Hub     │
            └──────────────────────────┘
            heavy ━ and *name*: used by this command ┄ not
            used

            touches: container web
            no network needed: the daemon works with what it
            already has on this host.
            The client only sends requests over the API;
            dockerd does the work and keeps images,
            containers, storage and networks on this host.
            "#);
    }

    #[test]
    fn ascii_50_pull() {
        insta::assert_snapshot!(render_arch(&pull(), &Style::plain(50, true)), @r#"
            Docker architecture: docker pull busybox
            #==========================#
            # client: docker CLI       #
            #==========================#
                | API request
                v
            #==========================#
            # daemon (dockerd)         #
            # *images*      containers #
            # *storage*     networks   #
            #==========================#
                | HTTPS
                v
            #==========================#
            # registry: Docker Hub     #
            #==========================#
            #==# and *name*: used by this command .... / : not
            used

            touches: image busybox:latest, layers of busybox
            needs the network: the daemon talks to the
            registry (pull, push, login and search do, and run
            when the image is not here yet).
            The client only sends requests over the API;
            dockerd does the work and keeps images,
            containers, storage and networks on this host.
            "#);
    }
}
