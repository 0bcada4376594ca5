use super::*;
use crate::engine::state::ContainerStatus;
use crate::lesson::fake::FakeProbe;
use crate::lesson::topics::TOPICS;

const BANK: &str = include_str!("../../../lessons/quiz.md");

#[test]
fn the_bank_parses_and_covers_every_topic() {
    let bank = parse_quiz("quiz.md", BANK).map_err(|e| e.render()).unwrap();
    assert!(bank.len() >= 60, "only {} questions", bank.len());
    for (topic, _) in TOPICS {
        assert!(
            bank.iter().any(|q| q.topic == *topic),
            "no question on {topic}"
        );
    }
    for kind in ["choice", "short", "prove"] {
        let n = bank
            .iter()
            .filter(|q| {
                matches!(
                    (&q.kind, kind),
                    (QuestionKind::Choice(_), "choice")
                        | (QuestionKind::Short(_), "short")
                        | (QuestionKind::Prove { .. }, "prove")
                )
            })
            .count();
        assert!(n >= 5, "only {n} {kind} questions");
    }
}

const SMALL: &str = "# bank
## a-1
topic: lifecycle
type: choice
question: q?
- [ ] no
- [x] yes
answer: yes

## a-2
topic: architecture
type: short
question: Which process?
accept: dockerd | the docker daemon
answer: dockerd

## a-3
topic: pause-vs-stop
type: prove
question: Pause mem.
setup: run -d --name mem busybox sleep 100000
check: container mem is paused
answer: pause mem
";

#[test]
fn grades_answers() {
    let bank = parse_quiz("q.md", SMALL).unwrap();
    assert_eq!(bank[0].grade_text("2"), Some(true));
    assert_eq!(bank[0].grade_text("1"), Some(false));
    assert_eq!(bank[0].grade_text(" Yes. "), Some(true));
    assert_eq!(bank[1].grade_text("The Docker daemon"), Some(true));
    assert_eq!(bank[1].grade_text("`dockerd`"), Some(true));
    assert_eq!(bank[1].grade_text("containerd"), Some(false));
    assert_eq!(bank[2].grade_text("x"), None);
    let mut p = FakeProbe::default();
    p.set_status("mem", ContainerStatus::Running);
    assert_eq!(
        bank[2].grade_on(&p),
        Err(vec!["container mem is running (wanted paused)".to_string()])
    );
    p.set_status("mem", ContainerStatus::Paused);
    assert_eq!(bank[2].grade_on(&p), Ok(()));
}

#[test]
fn validation_errors() {
    let cases = [
        (
            SMALL.replace("## a-2", "## a-1"),
            "q.md:10:4: duplicate question id `a-1`",
        ),
        (
            SMALL.replace("- [ ] no", "- [x] no"),
            "q.md:2:1: question `a-1` needs two or more choices, exactly one marked [x]",
        ),
        (
            SMALL.replace("topic: architecture", "topic: arch"),
            "q.md:11:8: unknown topic `arch`",
        ),
        (
            SMALL.replace("accept: dockerd | the docker daemon\n", ""),
            "q.md:10:1: question `a-2` has no `accept:` line",
        ),
        (
            SMALL.replace("check: container mem is paused\n", ""),
            "q.md:17:1: question `a-3` has no `check:` line",
        ),
        (
            SMALL.replace("is paused", "is pasued"),
            "q.md:22:25: cannot read this check here; the closest form is `container NAME is created|running|paused|exited|removed`",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(parse_quiz("q.md", &src).unwrap_err().to_string(), want);
    }
}
