use super::*;
use crate::engine::state::{ContainerStatus as S, EDGES, Transition as T};
use crate::render::style::display_width;

fn style(width: usize, ascii: bool) -> Style {
    Style {
        width,
        color: false,
        ascii,
    }
}

fn paused_after_refused_start() -> LifecycleView {
    LifecycleView {
        container: Some("web".into()),
        current: Some(S::Paused),
        last: Some((S::Running, T::Pause, S::Paused)),
        refused: Some(Refusal {
            from: S::Paused,
            transition: T::Start,
            reason: "cannot start a paused container, try unpause instead".into(),
        }),
        note: None,
    }
}

fn exited_after_stop() -> LifecycleView {
    LifecycleView {
        container: Some("sleeper".into()),
        current: Some(S::Exited),
        last: Some((S::Running, T::Stop, S::Exited)),
        refused: None,
        note: Some(
            "stop waited the 10 s grace period: sleep as PID 1 ignores SIGTERM, so SIGKILL ended it (137)"
                .into(),
        ),
    }
}

#[test]
fn every_edge_of_the_table_is_drawn() {
    for width in [80, 50] {
        for ascii in [false, true] {
            let text = render_lifecycle(&LifecycleView::default(), &style(width, ascii));
            for (_, t, _) in EDGES {
                assert!(
                    text.contains(t.as_str()),
                    "{t:?} missing at {width}:\n{text}"
                );
            }
            assert!(text.contains("create"));
            for s in S::ALL {
                assert!(text.contains(&s.as_str().to_uppercase()), "{s:?} missing");
            }
        }
    }
}

#[test]
fn lines_fit_the_width() {
    for width in [60, 76, 80, 100] {
        for ascii in [false, true] {
            for view in [paused_after_refused_start(), exited_after_stop()] {
                let text = render_lifecycle(&view, &style(width, ascii));
                for line in text.lines() {
                    assert!(display_width(line) <= width, "{width}: {line:?}");
                }
            }
        }
    }
}

#[test]
fn colour_marks_current_last_and_refused() {
    let color = Style {
        width: 80,
        color: true,
        ascii: false,
    };
    let text = render_lifecycle(&paused_after_refused_start(), &color);
    assert!(text.contains("\x1b[1;7m[*PAUSED*]\x1b[0m"));
    assert!(text.contains("\x1b[1;31m✗\x1b[0m"));
    assert!(text.contains("\x1b[1;33mpause\x1b[0m"));
    let plain = render_lifecycle(&paused_after_refused_start(), &style(80, false));
    assert!(!plain.contains('\x1b'));
}

#[test]
fn wide_unicode_refused_start_from_paused() {
    let text = render_lifecycle(&paused_after_refused_start(), &style(80, false));
    insta::assert_snapshot!(text, @r#"
        Container lifecycle of web: paused
                                    ┌────────────── start/restart ───────────────┐
                                    │ ┌──────────── stop/kill/die ────────────┐  │
                                    │ │     ┌─ unpause ──┐                    │  │
          create             start  ▼ │     ▼  pause     │      stop/kill     ▼  │
        ● ─────▶ [ CREATED ] ────▶ [ RUNNING ] ━━━━▶ [*PAUSED*] ────────▶ [ EXITED ]
                      │             │ ▲   │           ✗   │                    │
                      │ rm          └─┘   │ rm -f         │ rm -f              │ rm
                      ▼           restart ▼               ▼                    ▼
                      ────────────────────── [ REMOVED ] ───────────────────────

        last: RUNNING ━━pause━━▶ PAUSED
        refused: PAUSED ──start──✗ (state unchanged)
          cannot start a paused container, try unpause instead
        [*X*] now  ━━▶ last move  ✗ refused  ● create/run
        "#);
}

#[test]
fn wide_ascii_refused_start_from_paused() {
    let text = render_lifecycle(&paused_after_refused_start(), &style(80, true));
    insta::assert_snapshot!(text, @r#"
        Container lifecycle of web: paused
                                    +-------------- start/restart ---------------+
                                    | +------------ stop/kill/die ------------+  |
                                    | |     +- unpause --+                    |  |
          create             start  v |     v  pause     |      stop/kill     v  |
        * -----> [ CREATED ] ----> [ RUNNING ] ====> [*PAUSED*] --------> [ EXITED ]
                      |             | ^   |           X   |                    |
                      | rm          +-+   | rm -f         | rm -f              | rm
                      v           restart v               v                    v
                      ---------------------- [ REMOVED ] -----------------------

        last: RUNNING ==pause==> PAUSED
        refused: PAUSED --start--X (state unchanged)
          cannot start a paused container, try unpause instead
        [*X*] now  ==> last move  X refused  * create/run
        "#);
}

#[test]
fn wide_unicode_stop_with_note() {
    let text = render_lifecycle(&exited_after_stop(), &style(80, false));
    insta::assert_snapshot!(text, @r#"
        Container lifecycle of sleeper: exited
                                    ┌────────────── start/restart ───────────────┐
                                    │ ┏━━━━━━━━━━━━ stop/kill/die ━━━━━━━━━━━━┓  │
                                    │ ┃     ┌─ unpause ──┐                    ┃  │
          create             start  ▼ ┃     ▼  pause     │      stop/kill     ▼  │
        ● ─────▶ [ CREATED ] ────▶ [ RUNNING ] ────▶ [ PAUSED ] ────────▶ [*EXITED*]
                      │             │ ▲   │               │                    │
                      │ rm          └─┘   │ rm -f         │ rm -f              │ rm
                      ▼           restart ▼               ▼                    ▼
                      ────────────────────── [ REMOVED ] ───────────────────────

        last: RUNNING ━━stop━━▶ EXITED
        note: stop waited the 10 s grace period: sleep as PID 1 ignores SIGTERM, so
              SIGKILL ended it (137)
        [*X*] now  ━━▶ last move  ✗ refused  ● create/run
        "#);
}

#[test]
fn wide_ascii_just_created() {
    let view = LifecycleView {
        container: Some("web".into()),
        current: Some(S::Created),
        last: Some((S::Created, T::Create, S::Created)),
        ..LifecycleView::default()
    };
    let text = render_lifecycle(&view, &style(80, true));
    insta::assert_snapshot!(text, @r#"
        Container lifecycle of web: created
                                    +-------------- start/restart ---------------+
                                    | +------------ stop/kill/die ------------+  |
                                    | |     +- unpause --+                    |  |
          create             start  v |     v  pause     |      stop/kill     v  |
        * =====> [*CREATED*] ----> [ RUNNING ] ----> [ PAUSED ] --------> [ EXITED ]
                      |             | ^   |               |                    |
                      | rm          +-+   | rm -f         | rm -f              | rm
                      v           restart v               v                    v
                      ---------------------- [ REMOVED ] -----------------------

        last: * ==create==> CREATED
        [*X*] now  ==> last move  X refused  * create/run
        "#);
}

#[test]
fn narrow_unicode_refused_start_from_paused() {
    let text = render_lifecycle(&paused_after_refused_start(), &style(50, false));
    insta::assert_snapshot!(text, @r#"
        Container lifecycle of web: paused
          ●         ──create─────────▶ CREATED
          CREATED   ──start──────────▶ RUNNING
          CREATED   ──rm─────────────▶ REMOVED
          RUNNING   ──restart────────▶ RUNNING
          RUNNING   ━━pause━━━━━━━━━━▶ *PAUSED*
          RUNNING   ──stop/kill/die──▶ EXITED
          RUNNING   ──rm -f──────────▶ REMOVED
          *PAUSED*  ──unpause────────▶ RUNNING
          *PAUSED*  ──stop/kill──────▶ EXITED
          *PAUSED*  ──rm -f──────────▶ REMOVED
          EXITED    ──start/restart──▶ RUNNING
          EXITED    ──rm─────────────▶ REMOVED
          *PAUSED*  ──start──────────✗

        last: RUNNING ━━pause━━▶ PAUSED
        refused: PAUSED ──start──✗ (state unchanged)
          cannot start a paused container, try unpause
          instead
        [*X*] now  ━━▶ last move  ✗ refused  ● create/run
        "#);
}

#[test]
fn narrow_ascii_stop_with_note() {
    let text = render_lifecycle(&exited_after_stop(), &style(50, true));
    insta::assert_snapshot!(text, @r#"
        Container lifecycle of sleeper: exited
          *         --create---------> CREATED
          CREATED   --start----------> RUNNING
          CREATED   --rm-------------> REMOVED
          RUNNING   --restart--------> RUNNING
          RUNNING   --pause----------> PAUSED
          RUNNING   ==stop/kill/die==> *EXITED*
          RUNNING   --rm -f----------> REMOVED
          PAUSED    --unpause--------> RUNNING
          PAUSED    --stop/kill------> *EXITED*
          PAUSED    --rm -f----------> REMOVED
          *EXITED*  --start/restart--> RUNNING
          *EXITED*  --rm-------------> REMOVED

        last: RUNNING ==stop==> EXITED
        note: stop waited the 10 s grace period: sleep as
              PID 1 ignores SIGTERM, so SIGKILL ended it
              (137)
        [*X*] now  ==> last move  X refused  * create/run
        "#);
}

#[test]
fn every_pair_label_is_drawn_in_the_wide_picture() {
    let text = render_lifecycle(&LifecycleView::default(), &style(80, false));
    for moves in moves_by_pair().values() {
        assert!(text.contains(&label(moves)), "{moves:?}:\n{text}");
    }
}

#[test]
fn wide_unicode_refused_unpause_while_running() {
    let view = LifecycleView {
        container: Some("web".into()),
        current: Some(S::Running),
        last: Some((S::Exited, T::Restart, S::Running)),
        refused: Some(Refusal {
            from: S::Running,
            transition: T::Unpause,
            reason: "Container web is not paused".into(),
        }),
        note: None,
    };
    insta::assert_snapshot!(render_lifecycle(&view, &style(80, false)), @r#"
        Container lifecycle of web: running
                                    ┏━━━━━━━━━━━━━━ start/restart ━━━━━━━━━━━━━━━┓
                                    ┃ ┌──────────── stop/kill/die ────────────┐  ┃
                                    ┃ │     ┌─ unpause ──┐                    │  ┃
          create             start  ▼ │     ▼  pause     │      stop/kill     ▼  ┃
        ● ─────▶ [ CREATED ] ────▶ [*RUNNING*] ────▶ [ PAUSED ] ────────▶ [ EXITED ]
                      │             │ ▲ ✗ │               │                    │
                      │ rm          └─┘   │ rm -f         │ rm -f              │ rm
                      ▼           restart ▼               ▼                    ▼
                      ────────────────────── [ REMOVED ] ───────────────────────

        last: EXITED ━━restart━━▶ RUNNING
        refused: RUNNING ──unpause──✗ (state unchanged)
          Container web is not paused
        [*X*] now  ━━▶ last move  ✗ refused  ● create/run
        "#);
}

#[test]
fn wide_ascii_removed() {
    let view = LifecycleView {
        container: Some("web".into()),
        current: Some(S::Removed),
        last: Some((S::Running, T::ForceRemove, S::Removed)),
        refused: None,
        note: None,
    };
    insta::assert_snapshot!(render_lifecycle(&view, &style(80, true)), @r#"
        Container lifecycle of web: removed
                                    +-------------- start/restart ---------------+
                                    | +------------ stop/kill/die ------------+  |
                                    | |     +- unpause --+                    |  |
          create             start  v |     v  pause     |      stop/kill     v  |
        * -----> [ CREATED ] ----> [ RUNNING ] ----> [ PAUSED ] --------> [ EXITED ]
                      |             | ^   #               |                    |
                      | rm          +-+   # rm -f         | rm -f              | rm
                      v           restart v               v                    v
                      ---------------------- [*REMOVED*] -----------------------

        last: RUNNING ==rm -f==> REMOVED
        [*X*] now  ==> last move  X refused  * create/run
        "#);
}
