//! Playing a lesson against a host: demo mode (plays itself) and the proof that every
//! step's checks can fail.
use super::model::{Lesson, Predict, Step};
use super::presenter::Presenter;
use super::probe::StateProbe;

/// What the runner needs from the REPL/engine. `run` takes one REPL line (docker command,
/// `show …`, `explain …`) and returns (stdout, stderr, exit code).
pub trait LessonHost {
    fn run(&mut self, line: &str) -> (String, String, i32);
    fn probe(&self) -> &dyn StateProbe;
    /// A diagram for a `show:` spec such as `lifecycle web`; `None` when it cannot be drawn.
    fn diagram(&mut self, spec: &str) -> Option<String>;
    /// Back to a fresh, empty state (built-in images only).
    fn reset(&mut self);
    /// Banners and diagrams in plain ASCII (`--ascii`, or a terminal without UTF-8).
    fn ascii(&self) -> bool {
        false
    }
}

/// A step whose check did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    /// 0-based index into `lesson.steps`.
    pub step: usize,
    pub step_title: String,
    pub check: String,
    pub explanation: String,
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "step {} ({}): check `{}` failed: {}",
            self.step + 1,
            self.step_title,
            self.check,
            self.explanation
        )
    }
}

/// The rules around a banner: box-drawing, or ASCII.
fn rules(ascii: bool) -> (&'static str, &'static str) {
    if ascii {
        ("==", "--")
    } else {
        ("━━", "──")
    }
}

pub fn step_banner(lesson: &Lesson, index: usize, ascii: bool) -> String {
    let step = &lesson.steps[index];
    let rule = rules(ascii).1;
    let mut out = format!(
        "\n{rule} Step {}/{}: {} {rule}\n",
        index + 1,
        lesson.steps.len(),
        step.title
    );
    if !step.narration.is_empty() {
        out.push_str(&step.narration);
        out.push('\n');
    }
    out
}

pub fn lesson_banner(lesson: &Lesson, ascii: bool) -> String {
    let rule = rules(ascii).0;
    let mut out = format!("{rule} {} {rule}\n", lesson.title);
    if !lesson.intro.is_empty() {
        out.push_str(&lesson.intro);
        out.push('\n');
    }
    out
}

pub fn predict_question(p: &Predict) -> String {
    let mut out = format!("\n? {}\n", p.question);
    for (i, c) in p.choices.iter().enumerate() {
        out.push_str(&format!("  {}) {}\n", i + 1, c.text));
    }
    out
}

pub fn predict_answer(p: &Predict, chosen: Option<usize>) -> String {
    let right = p.right_index();
    let verdict = match chosen {
        Some(c) if c == right => "Right: ",
        Some(_) => "Not quite. ",
        None => "",
    };
    let text = p.choices.get(right).map_or("", |c| c.text.as_str());
    format!("→ {verdict}{}) {text}. {}\n", right + 1, p.explain)
}

/// Runs one command line as the student would see it.
pub fn echo_run(host: &mut dyn LessonHost, line: &str) -> (String, i32) {
    let (stdout, stderr, code) = host.run(line);
    let mut out = format!("dockerlings> {line}\n{stdout}");
    if !stdout.is_empty() && !stdout.ends_with('\n') {
        out.push('\n');
    }
    for l in stderr.lines() {
        out.push_str(l);
        out.push('\n');
    }
    (out, code)
}

/// First failing check of a step, evaluated on the host's current state.
pub fn first_failure(step: &Step, index: usize, probe: &dyn StateProbe) -> Option<StepFailure> {
    step.checks.iter().find_map(|c| {
        let r = c.check.evaluate(probe);
        (!r.pass).then(|| StepFailure {
            step: index,
            step_title: step.title.clone(),
            check: c.text.clone(),
            explanation: r.explanation,
        })
    })
}

/// Plays every step: narration, the predict question and its answer, the commands with their
/// output, the diagrams, then the checks. `sink` receives the text piece by piece (a projector
/// front end may pause between pieces). Stops at the first failing check.
pub fn run_demo(
    lesson: &Lesson,
    host: &mut dyn LessonHost,
    sink: &mut dyn FnMut(&str),
) -> Result<(), StepFailure> {
    run_demo_with(lesson, host, sink, None, &mut || true)
}

/// `run_demo` for a presenter: block-letter banners, and each step's commands hidden unless
/// `reveal` says to show them (a key pressed at the terminal). Hidden commands still run, so
/// the state and the checks are the same; their output is shown.
pub fn run_demo_with(
    lesson: &Lesson,
    host: &mut dyn LessonHost,
    sink: &mut dyn FnMut(&str),
    presenter: Option<&Presenter>,
    reveal: &mut dyn FnMut() -> bool,
) -> Result<(), StepFailure> {
    let ascii = host.ascii();
    sink(&presenter.map_or_else(|| lesson_banner(lesson, ascii), |p| p.lesson_banner(lesson)));
    for (i, step) in lesson.steps.iter().enumerate() {
        sink(&presenter.map_or_else(
            || step_banner(lesson, i, ascii),
            |p| p.step_banner(lesson, i),
        ));
        if let Some(p) = &step.predict {
            sink(&predict_question(p));
            sink(&predict_answer(p, None));
        }
        let shown = presenter.is_none() || step.commands.is_empty() || reveal();
        if !shown {
            sink(
                "(presenter: the solution stays hidden; the step's commands ran, their output follows)\n",
            );
        }
        for cmd in &step.commands {
            let text = echo_run(host, cmd).0;
            if shown {
                sink(&text);
            } else {
                sink(text.split_once('\n').map_or("", |(_, output)| output));
            }
        }
        for spec in &step.shows {
            match host.diagram(spec) {
                Some(d) => sink(&d),
                None => sink(&format!("(no diagram for `show {spec}`)\n")),
            }
        }
        for c in &step.checks {
            let r = c.check.evaluate(host.probe());
            if !r.pass {
                sink(&format!("✗ {}: {}\n", c.text, r.explanation));
                return Err(StepFailure {
                    step: i,
                    step_title: step.title.clone(),
                    check: c.text.clone(),
                    explanation: r.explanation,
                });
            }
            sink(&format!("✓ {}\n", c.text));
        }
    }
    sink("\nLesson complete.\n");
    Ok(())
}

/// A step whose checks all pass before its own commands ran: they prove nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VacuousStep {
    pub step: usize,
    pub step_title: String,
    pub checks: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckProof {
    /// Steps whose checks already pass without the step's commands.
    pub vacuous: Vec<VacuousStep>,
    /// Steps with no check at all (practice advances on the command alone).
    pub unchecked: Vec<usize>,
}

impl CheckProof {
    pub fn is_sound(&self) -> bool {
        self.vacuous.is_empty()
    }
}

/// For each step with checks: fresh state, every earlier step's commands, then the step's
/// checks WITHOUT its own commands. They must fail; the steps where they all pass are reported.
pub fn prove_checks_can_fail(lesson: &Lesson, host: &mut dyn LessonHost) -> CheckProof {
    let mut proof = CheckProof::default();
    for (i, step) in lesson.steps.iter().enumerate() {
        if step.checks.is_empty() {
            proof.unchecked.push(i);
            continue;
        }
        host.reset();
        for earlier in &lesson.steps[..i] {
            for cmd in &earlier.commands {
                host.run(cmd);
            }
        }
        if first_failure(step, i, host.probe()).is_none() {
            proof.vacuous.push(VacuousStep {
                step: i,
                step_title: step.title.clone(),
                checks: step.checks.iter().map(|c| c.text.clone()).collect(),
            });
        }
    }
    proof
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lesson::fake::FakeHost;
    use crate::lesson::parse_lesson;

    pub const PAUSE: &str = "# Pause
backends: sim, linux
topic: pause-vs-stop

## Step: Run
```cmd
run -d --name web busybox sleep 100000
```
check: container web is running

## Step: Pause
predict: Is memory kept?
- [x] yes
- [ ] no
explain: The freezer only stops scheduling.
```cmd
pause web
```
check: memory of web is kept
show: memory web

## Step: Look around
```cmd
ps
```
";

    #[test]
    fn demo_plays_every_step() {
        let lesson = parse_lesson("pause", PAUSE).unwrap();
        let mut host = FakeHost::default();
        let mut out = String::new();
        run_demo(&lesson, &mut host, &mut |s| out.push_str(s)).unwrap();
        insta::assert_snapshot!(out, @r"
        ━━ Pause ━━

        ── Step 1/3: Run ──
        dockerlings> run -d --name web busybox sleep 100000
        web-id
        ✓ container web is running

        ── Step 2/3: Pause ──

        ? Is memory kept?
          1) yes
          2) no
        → 1) yes. The freezer only stops scheduling.
        dockerlings> pause web
        web
        [diagram memory web]
        ✓ memory of web is kept

        ── Step 3/3: Look around ──
        dockerlings> ps
        ps

        Lesson complete.
        ");
    }

    #[test]
    fn demo_reports_the_failing_step() {
        let src = PAUSE.replace("pause web", "stop web");
        let lesson = parse_lesson("pause", &src).unwrap();
        let err = run_demo(&lesson, &mut FakeHost::default(), &mut |_| {}).unwrap_err();
        insta::assert_snapshot!(err.to_string(), @"step 2 (Pause): check `memory of web is kept` failed: container web is exited and holds 0 bytes of memory (wanted: paused, memory kept)");
    }

    #[test]
    fn proof_finds_checks_that_pass_anyway() {
        let lesson = parse_lesson("pause", PAUSE).unwrap();
        let mut host = FakeHost::default();
        let proof = prove_checks_can_fail(&lesson, &mut host);
        assert!(proof.is_sound());
        assert_eq!(proof.unchecked, vec![2]);
        // step 2 ran only step 1's command
        assert_eq!(host.ran, vec!["run -d --name web busybox sleep 100000"]);

        let weak = PAUSE.replace(
            "check: memory of web is kept",
            "check: container web exists",
        );
        let lesson = parse_lesson("pause", &weak).unwrap();
        let proof = prove_checks_can_fail(&lesson, &mut FakeHost::default());
        assert_eq!(proof.vacuous.len(), 1);
        assert_eq!(proof.vacuous[0].step, 1);
    }
}
