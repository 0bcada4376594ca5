//! Commands that are not builtins: programs run through `Sys`, and nested shells.
use super::builtins::{Effect, Outcome};
use super::error::{Flavour, base_name};
use super::exec::ShellBody;
use super::vm::Vm;
use crate::backend::sim::sys::Sys;

impl Vm {
    pub fn external(
        &mut self,
        sys: &mut dyn Sys,
        name: &str,
        args: &[String],
        assigns: &[(String, String)],
        stdin: &str,
    ) -> Outcome {
        let cwd = self.shell().cwd.clone();
        let flavour = self.shell().flavour;
        let Some(path) = sys.find_program(name, &self.path_env(), &cwd) else {
            return match (flavour, name.contains('/')) {
                (Flavour::Bash, true) => {
                    Outcome::err(format!("bash: {name}: No such file or directory\n"), 127)
                }
                _ => Outcome::err(flavour.not_found(name), 127),
            };
        };
        if matches!(base_name(&path), "sh" | "bash" | "ash" | "dash") {
            return self.nested_shell(sys, base_name(&path), name, args);
        }
        let mut env: std::collections::BTreeMap<String, String> =
            self.shell().exported_env().into_iter().collect();
        env.extend(assigns.iter().cloned());
        let result = sys.run_program(&path, args, &env, &cwd, stdin);
        Outcome {
            stdout: result.stdout,
            stderr: result.stderr,
            status: result.code,
            effect: match result.cost_ms {
                0 => Effect::None,
                ms => Effect::Sleep(ms),
            },
            exec: false,
        }
    }

    /// `sh -c 'script' [$0 [args…]]`, `sh file [args…]`, or `sh` reading stdin.
    fn nested_shell(
        &mut self,
        sys: &mut dyn Sys,
        program: &str,
        name: &str,
        args: &[String],
    ) -> Outcome {
        let flavour = Flavour::from_argv0(program);
        let mut rest = args;
        // Options such as -e, -x, -i are accepted and not modelled.
        let mut script = None;
        while let Some((first, tail)) = rest.split_first() {
            if first == "-c" {
                let Some((src, tail)) = tail.split_first() else {
                    return Outcome::err(
                        format!("{}: -c: option requires an argument\n", flavour.name()),
                        2,
                    );
                };
                script = Some(src.clone());
                rest = tail;
                break;
            } else if first.starts_with('-') && first.len() > 1 {
                rest = tail;
            } else {
                break;
            }
        }
        let source = match script {
            Some(src) => Some(src),
            None => match rest.first() {
                Some(file) => {
                    let cwd = self.shell().cwd.clone();
                    match sys.read_file(&cwd, file) {
                        Ok(data) => Some(String::from_utf8_lossy(&data).into_owned()),
                        Err(why) => {
                            let msg = match flavour {
                                Flavour::Ash => format!("sh: can't open '{file}': {why}\n"),
                                Flavour::Bash => format!("bash: {file}: {why}\n"),
                            };
                            return Outcome::err(msg, 127);
                        }
                    }
                }
                None => None,
            },
        };
        // `sh -c SCRIPT NAME ARGS…` and `sh FILE ARGS…`: the first operand is `$0`.
        let positional: Vec<String> = if rest.is_empty() {
            vec![name.to_string()]
        } else {
            rest.to_vec()
        };
        let ctx = self.shell().child(flavour, positional);
        let body = match source {
            Some(src) => match super::parse::parse_script(&src) {
                Ok(list) => ShellBody::Script(super::compile::compile(&list)),
                Err(e) => return Outcome::err(e.render(flavour), 2),
            },
            None => ShellBody::Interactive,
        };
        Outcome::effect(Effect::Shell(Box::new(ctx), body))
    }
}
