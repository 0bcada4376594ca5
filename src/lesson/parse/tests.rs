use super::*;
use crate::engine::state::ContainerStatus;
use crate::lesson::check::Check;

const GOOD: &str = "# Pause it
backends: sim, linux
topic: lifecycle

Intro line.

## Step: Start one
Run a container in the background.

```cmd
run -d --name web busybox sleep 100000
```
check: container web is running
hint: Use `run`.
hint: The flag is `-d`.
hint: run -d --name web busybox sleep 100000
show: lifecycle web
predict: What does `run -d` print?
- [ ] Nothing
- [x] The container's full ID
explain: Detached mode prints the ID and returns.
";

#[test]
fn reads_a_lesson() {
    let l = parse_lesson("pause", GOOD).unwrap();
    assert_eq!(l.title, "Pause it");
    assert_eq!(l.backends, vec![Backend::Sim, Backend::Linux]);
    assert_eq!(l.topic, "lifecycle");
    assert_eq!(l.intro, "Intro line.");
    let s = &l.steps[0];
    assert_eq!(s.title, "Start one");
    assert_eq!(s.narration, "Run a container in the background.");
    assert_eq!(s.commands, vec!["run -d --name web busybox sleep 100000"]);
    assert_eq!(
        s.checks[0].check,
        Check::ContainerStatus {
            name: "web".into(),
            status: ContainerStatus::Running
        }
    );
    assert_eq!(s.checks[0].line, 13);
    assert_eq!(s.shows, vec!["lifecycle web"]);
    let p = s.predict.as_ref().unwrap();
    assert_eq!(p.right_index(), 1);
    assert_eq!(p.explain, "Detached mode prints the ID and returns.");
    // the last hint is already the command: no extra rung
    assert_eq!(s.hint_ladder().len(), 3);
}

#[test]
fn solution_is_appended_when_hints_stop_short() {
    let src = GOOD.replace("hint: run -d --name web busybox sleep 100000\n", "");
    let l = parse_lesson("pause", &src).unwrap();
    assert_eq!(
        l.steps[0].hint_ladder().last().unwrap(),
        "run -d --name web busybox sleep 100000"
    );
}

#[test]
fn a_bad_check_points_at_the_word() {
    let src = GOOD.replace("container web is running", "container web is stoped");
    let e = parse_lesson("pause", &src).unwrap_err();
    insta::assert_snapshot!(e.render(), @r"
    pause.md:13:25: cannot read this check here; the closest form is `container NAME is created|running|paused|exited|removed`
       |
    13 | check: container web is stoped
       |                         ^
    ");
}

#[test]
fn other_mistakes_are_located() {
    let cases = [
        (
            GOOD.replace("sim, linux", "sim, mac"),
            "pause.md:2:16: unknown backend `mac`; expected sim or linux",
        ),
        (
            GOOD.replace("topic: lifecycle", "topic: cooking"),
            "pause.md:3:8: unknown topic `cooking`; see lesson::topics::TOPICS",
        ),
        (
            GOOD.replace("- [ ] Nothing", "- [x] Nothing"),
            "pause.md:7:1: the predict question of step `Start one` needs two or more choices, exactly one marked [x]",
        ),
        (
            GOOD.replace("```\ncheck", "check"),
            "pause.md:10:1: this ```cmd block is never closed",
        ),
        (
            GOOD.replace("show: lifecycle", "show: lifecyle"),
            "pause.md:17:7: unknown diagram `lifecyle`; expected one of lifecycle, layers, cow, memory, arch, disk, ns",
        ),
        (
            GOOD.replace("# Pause it\n", ""),
            "pause.md:1:1: a lesson starts with `# Title`",
        ),
        (
            GOOD.replace("```cmd", "```sh"),
            "pause.md:10:4: only ```cmd blocks are understood (the commands the student types)",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(parse_lesson("pause", &src).unwrap_err().to_string(), want);
    }
}
