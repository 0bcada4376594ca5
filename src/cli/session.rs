//! A session: one engine, fed one input line at a time. The REPL, batch mode, transcripts
//! and lessons all drive it the same way, so they see the same bytes.
use crate::engine::Engine;
use crate::engine::state::Transition;
use crate::render::style::Style;
use crate::util::Output;
use crate::util::stdio::{ArchiveStreams, TerminalStreams};

#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Draw the fitting diagram after each state-changing command.
    pub diagrams: bool,
    pub style: Style,
    /// A person is at the keyboard (REPL): notes such as "figures are simulated" are shown.
    pub interactive: bool,
    /// This process's stdin is not where the commands come from (`-c`), so `run -i` may
    /// stream it to the container, as `echo hi | docker run -i busybox cat` does.
    pub stdin_free: bool,
}

/// A container whose shell currently reads the user's lines (`run -it`).
#[derive(Debug, Clone)]
pub struct Attached {
    pub id: String,
}

#[derive(Debug, Default, Clone)]
pub struct LineOutcome {
    pub output: Output,
    pub exit: i32,
    pub diagram: Option<String>,
    pub quit: bool,
}

/// `record FILE`: every later line and what it printed, written after each command so
/// nothing is lost if the session ends abruptly.
#[derive(Debug, Clone)]
pub struct Recording {
    pub path: std::path::PathBuf,
    pub transcript: crate::transcript::format::Transcript,
}

pub struct Session {
    pub engine: Engine,
    pub opts: SessionOptions,
    pub attached: Option<Attached>,
    pub last_exit: i32,
    pub recording: Option<Recording>,
    /// Where relative archive paths (`save -o x.tar`, `load -i`, `export -o`, `import`) land
    /// instead of the process's working directory: a lesson's own scratch directory.
    pub host_dir: Option<std::path::PathBuf>,
    /// A lesson started with `lesson NAME`: it reads the lines until it ends.
    pub lesson: Option<Box<crate::lesson::repl::ReplLesson>>,
    /// Where `save`/`export` without -o write and `load`/`import -` read: the terminal
    /// (nothing) unless batch mode hands over the process's own stdin/stdout.
    pub streams: Box<dyn ArchiveStreams>,
}

impl Session {
    pub fn new(engine: Engine, opts: SessionOptions) -> Session {
        Session {
            engine,
            opts,
            attached: None,
            last_exit: 0,
            recording: None,
            host_dir: None,
            lesson: None,
            streams: Box::new(TerminalStreams),
        }
    }

    /// The prompt to show: the container shell's while attached, else the backend's.
    pub fn prompt(&mut self) -> String {
        if let Some(l) = &self.lesson {
            return l.prompt();
        }
        if let Some(att) = self.attached.clone()
            && let Some(c) = self.engine.containers.get(&att.id).cloned()
            && let Ok(spec) = self.engine.launch_spec(&c)
            && let Ok(p) = self.engine.runtime.prompt(&spec)
        {
            return p;
        }
        format!("dockerlings[{}]> ", self.engine.backend().as_str())
    }

    /// Runs one input line: a container shell's input while attached, else one or more
    /// commands separated by `;`.
    pub fn feed_line(&mut self, line: &str) -> LineOutcome {
        let outcome = if self.lesson.is_some() {
            crate::lesson::repl::feed(self, line)
        } else if self.attached.is_some() {
            self.feed_attached(line)
        } else {
            super::dispatch::run_line(self, line)
        };
        self.last_exit = outcome.exit;
        self.record_line(line, &outcome);
        outcome
    }

    fn record_line(&mut self, line: &str, outcome: &LineOutcome) {
        let is_record_cmd = line
            .trim_start()
            .trim_start_matches("docker ")
            .starts_with("record ");
        let Some(rec) = self.recording.as_mut() else {
            return;
        };
        if is_record_cmd || line.trim().is_empty() {
            return;
        }
        rec.transcript
            .blocks
            .push(crate::transcript::format::Block {
                preamble: Vec::new(),
                command: line.to_string(),
                stdout: outcome.output.stdout.clone(),
                stderr: outcome.output.stderr.clone(),
                exit: outcome.exit,
            });
        let text = rec.transcript.render();
        if let Err(e) = crate::store::write_file_atomic(&rec.path, text.as_bytes()) {
            eprintln!("dockerlings: cannot write {}: {e}", rec.path.display());
        }
    }

    /// `record FILE` starts a transcript; `record stop` ends it.
    pub fn record_command(&mut self, arg: &str, out: &mut Output) -> i32 {
        if arg == "stop" {
            return match self.recording.take() {
                Some(rec) => {
                    // Re-run the commands on a fresh deterministic root, so the file replays
                    // (ids, clock) whatever state this session started from.
                    let kind = self.engine.backend();
                    let text = rec.transcript.render();
                    let written = crate::transcript::replay::replay_text(&text, kind)
                        .map(|r| r.actual.render())
                        .and_then(|t| {
                            crate::store::write_file_atomic(&rec.path, t.as_bytes())
                                .map_err(|e| e.to_string())
                        });
                    if let Err(e) = written {
                        out.errln(&format!("dockerlings: {e}"));
                        return 1;
                    }
                    out.outln(&format!(
                        "recorded {} commands to {} (output as a fresh deterministic run prints it)",
                        rec.transcript.blocks.len(),
                        rec.path.display()
                    ));
                    0
                }
                None => {
                    out.errln("dockerlings: not recording");
                    1
                }
            };
        }
        let backend = self.engine.backend().as_str().to_string();
        self.recording = Some(Recording {
            path: std::path::PathBuf::from(arg),
            transcript: crate::transcript::format::Transcript {
                backends: vec![backend],
                header: Vec::new(),
                blocks: Vec::new(),
            },
        });
        out.outln(&format!(
            "recording to {arg} (replay it with `dockerlings replay {arg}`; `record stop` ends)"
        ));
        0
    }

    fn feed_attached(&mut self, line: &str) -> LineOutcome {
        let mut outcome = LineOutcome::default();
        let Some(att) = self.attached.clone() else {
            return outcome;
        };
        let result = self.with_engine(|engine| {
            let c = engine.container_by_id(&att.id)?;
            let spec = engine.launch_spec(&c)?;
            let mut clock = engine.meta.clock.clone();
            let r = engine
                .runtime
                .input_line(&spec, line, &mut clock, &mut outcome.output);
            engine.meta.clock = clock;
            engine.mark_changed();
            let r = r?;
            if let Some(code) = r.exited {
                let at = engine.now();
                let exit = crate::engine::Exit {
                    code,
                    oom_killed: false,
                    at,
                };
                engine.record_exit(&att.id, &spec, exit, Transition::Die, None)?;
            }
            Ok(r.exited)
        });
        match result {
            Ok(Some(code)) => {
                self.attached = None;
                outcome.exit = code;
            }
            Ok(None) => {}
            Err(e) => {
                outcome.output.errln(&e.to_string());
                outcome.exit = e.exit_code();
                self.attached = None;
            }
        }
        outcome
    }

    /// Runs `f` between the engine's begin (lock, reload, tick) and end (persist, unlock).
    pub fn with_engine<T>(
        &mut self,
        f: impl FnOnce(&mut Engine) -> crate::engine::EngineResult<T>,
    ) -> crate::engine::EngineResult<T> {
        self.engine.begin()?;
        let result = f(&mut self.engine);
        let end = self.engine.end();
        let value = result?;
        end?;
        Ok(value)
    }
}
