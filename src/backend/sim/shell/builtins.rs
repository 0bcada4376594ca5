//! Builtin commands and the lookup of everything else through `Sys`.
use super::compile::Instr;
use super::error::Flavour;
use super::exec::ShellBody;
use super::test_cmd::run_test;
use super::units::{parse_duration_ms, parse_size};
use super::vm::{ShellCtx, Vm};
use super::{printf, signals};
use crate::backend::sim::sys::Sys;

/// What a command does to the process beyond its output and status.
#[derive(Debug, Clone)]
pub enum Effect {
    None,
    Sleep(u64),
    Exit(i32),
    Read(Vec<String>),
    /// `.`/`source`: run in the current shell.
    Source(Vec<Instr>),
    /// `sh`/`bash`: a nested shell (a child process).
    Shell(Box<ShellCtx>, ShellBody),
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
    pub effect: Effect,
    /// `exec`: the shell ends when this command has.
    pub exec: bool,
}

impl Outcome {
    pub fn status(status: i32) -> Outcome {
        Outcome {
            stdout: String::new(),
            stderr: String::new(),
            status,
            effect: Effect::None,
            exec: false,
        }
    }

    pub fn out(text: String) -> Outcome {
        Outcome {
            stdout: text,
            ..Outcome::status(0)
        }
    }

    pub fn err(text: String, status: i32) -> Outcome {
        Outcome {
            stderr: text,
            ..Outcome::status(status)
        }
    }

    pub fn effect(effect: Effect) -> Outcome {
        Outcome {
            effect,
            ..Outcome::status(0)
        }
    }
}

/// Commands the shell carries out itself (everything else is looked up through `Sys`).
pub fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        ":" | "true"
            | "false"
            | "set"
            | "wait"
            | "break"
            | "continue"
            | "echo"
            | "printf"
            | "pwd"
            | "cd"
            | "export"
            | "unset"
            | "shift"
            | "exit"
            | "sleep"
            | "trap"
            | "read"
            | "test"
            | "["
            | "alloc"
            | "free-mem"
            | "exec"
            | "."
            | "source"
    )
}

pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const MIB: u64 = 1024 * 1024;

/// Simulated warm-up of a memory hog: 8 ms per MiB touched (reference e: ~814 ms for 100 MB).
pub fn warmup_ms(bytes: u64) -> u64 {
    bytes.saturating_mul(8).div_ceil(MIB)
}

/// `/a/b` + `../c` → `/a/c`.
pub fn resolve_path(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

impl Vm {
    pub fn path_env(&self) -> String {
        self.shell()
            .vars
            .get("PATH")
            .cloned()
            .unwrap_or_else(|| DEFAULT_PATH.to_string())
    }

    pub fn dispatch(
        &mut self,
        sys: &mut dyn Sys,
        argv: &[String],
        assigns: &[(String, String)],
        stdin: &str,
    ) -> Outcome {
        let Some((name, args)) = argv.split_first() else {
            return Outcome::status(0);
        };
        let flavour = self.shell().flavour;
        match name.as_str() {
            ":" | "true" | "set" | "wait" | "break" | "continue" => Outcome::status(0),
            "false" => Outcome::status(1),
            "echo" => Outcome::out(printf::echo(args)),
            "printf" => match args.split_first() {
                Some((format, rest)) => Outcome::out(printf::printf(format, rest)),
                None => Outcome::err("printf: usage: printf format [arguments]\n".into(), 2),
            },
            "pwd" => Outcome::out(format!("{}\n", self.shell().cwd)),
            "cd" => self.cd(sys, args),
            "export" => self.export(args),
            "unset" => {
                let shell = self.shell_mut();
                for arg in args {
                    shell.vars.remove(arg);
                    shell.exported.remove(arg);
                }
                Outcome::status(0)
            }
            "shift" => {
                let n = args.first().and_then(|a| a.parse().ok()).unwrap_or(1usize);
                let shell = self.shell_mut();
                let available = shell.args.len().saturating_sub(1);
                if n > available {
                    return Outcome::status(1);
                }
                shell.args.drain(1..=n);
                Outcome::status(0)
            }
            "exit" => match args.first() {
                None => Outcome::effect(Effect::Exit(self.shell().status)),
                Some(arg) => match arg.parse::<i64>() {
                    Ok(n) => Outcome::effect(Effect::Exit((n & 0xff) as i32)),
                    Err(_) => match flavour {
                        Flavour::Ash => {
                            Outcome::err(format!("sh: exit: Illegal number: {arg}\n"), 2)
                        }
                        Flavour::Bash => Outcome {
                            effect: Effect::Exit(2),
                            ..Outcome::err(
                                format!("bash: exit: {arg}: numeric argument required\n"),
                                2,
                            )
                        },
                    },
                },
            },
            "sleep" => sleep(args),
            "trap" => self.trap(args),
            "read" => {
                let vars = args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .cloned()
                    .collect();
                Outcome::effect(Effect::Read(vars))
            }
            "test" => run_test(sys, &self.shell().cwd.clone(), args, flavour),
            "[" => match args.split_last() {
                Some((last, inner)) if last == "]" => {
                    run_test(sys, &self.shell().cwd.clone(), inner, flavour)
                }
                _ => Outcome::err(format!("{}: [: missing ]\n", flavour.name()), 2),
            },
            "alloc" => self.alloc(args),
            "free-mem" => {
                self.alloc_bytes = 0;
                Outcome::status(0)
            }
            "exec" => {
                if args.is_empty() {
                    return Outcome::status(0);
                }
                let mut outcome = self.dispatch(sys, args, assigns, stdin);
                outcome.exec = true;
                outcome
            }
            "." | "source" => self.source(sys, args),
            _ => self.external(sys, name, args, assigns, stdin),
        }
    }

    fn cd(&mut self, sys: &mut dyn Sys, args: &[String]) -> Outcome {
        let shell = self.shell();
        let target = match args.first().map(String::as_str) {
            None | Some("~") => shell
                .vars
                .get("HOME")
                .cloned()
                .unwrap_or_else(|| "/".into()),
            Some("-") => shell
                .vars
                .get("OLDPWD")
                .cloned()
                .unwrap_or_else(|| shell.cwd.clone()),
            Some(dir) => dir.to_string(),
        };
        let new_cwd = resolve_path(&shell.cwd, &target);
        let cwd = shell.cwd.clone();
        if !sys.is_dir(&cwd, &new_cwd) {
            let why = if sys.read_file(&cwd, &new_cwd).is_ok() {
                "Not a directory"
            } else {
                "No such file or directory"
            };
            return match shell.flavour {
                Flavour::Ash => Outcome::err(format!("sh: cd: can't cd to {target}: {why}\n"), 2),
                Flavour::Bash => Outcome::err(format!("bash: cd: {target}: {why}\n"), 1),
            };
        }
        let shell = self.shell_mut();
        shell.vars.insert("OLDPWD".into(), cwd);
        shell.vars.insert("PWD".into(), new_cwd.clone());
        shell.cwd = new_cwd;
        Outcome::status(0)
    }

    fn export(&mut self, args: &[String]) -> Outcome {
        let shell = self.shell_mut();
        if args.is_empty() || args == ["-p"] {
            let listing = shell
                .exported_env()
                .iter()
                .map(|(k, v)| match shell.flavour {
                    Flavour::Ash => format!("export {k}='{v}'\n"),
                    Flavour::Bash => format!("declare -x {k}=\"{v}\"\n"),
                })
                .collect();
            return Outcome::out(listing);
        }
        for arg in args {
            match arg.split_once('=') {
                Some((name, value)) => {
                    shell.vars.insert(name.to_string(), value.to_string());
                    shell.exported.insert(name.to_string());
                }
                None => {
                    shell.exported.insert(arg.clone());
                }
            }
        }
        Outcome::status(0)
    }

    fn trap(&mut self, args: &[String]) -> Outcome {
        let shell = self.shell_mut();
        let Some((action, sigs)) = args.split_first() else {
            let listing = shell
                .traps
                .iter()
                .map(|(sig, cmd)| format!("trap -- '{cmd}' {sig}\n"))
                .collect();
            return Outcome::out(listing);
        };
        // `trap SIG…` with a signal as first word resets (POSIX: `trap - SIG`).
        let (action, sigs) = if sigs.is_empty() || action.parse::<u32>().is_ok() {
            ("-", args)
        } else {
            (action.as_str(), sigs)
        };
        for sig in sigs {
            let Some(name) = signals::normalise(sig) else {
                let msg = format!(
                    "{}: trap: {sig}: invalid signal specification\n",
                    shell.flavour.name()
                );
                return Outcome::err(msg, 1);
            };
            if action == "-" {
                shell.traps.remove(&name);
            } else {
                shell.traps.insert(name, action.to_string());
            }
        }
        Outcome::status(0)
    }

    fn alloc(&mut self, args: &[String]) -> Outcome {
        let Some(size) = args.first().and_then(|a| parse_size(a)) else {
            return Outcome::err("alloc: usage: alloc SIZE (e.g. 100M, 512k, 1G)\n".into(), 1);
        };
        if size == 0 {
            self.alloc_bytes = 0;
            return Outcome::status(0);
        }
        let resident = self.base_bytes + self.alloc_bytes;
        if let Some(limit) = self.memory_limit
            && resident.saturating_add(size) > limit
        {
            // Killed by the kernel's OOM killer once the pages up to the limit are touched.
            let ms = warmup_ms(limit.saturating_sub(resident));
            self.sleep_ms(ms);
            if let Some(super::vm::Wait::Until(t)) = self.wait.take() {
                self.now = t;
            }
            self.alloc_bytes = limit.saturating_sub(self.base_bytes);
            self.finish(137, true);
            return Outcome::status(137);
        }
        self.alloc_bytes += size;
        Outcome::effect(Effect::Sleep(warmup_ms(size)))
    }

    fn source(&mut self, sys: &mut dyn Sys, args: &[String]) -> Outcome {
        let Some(file) = args.first() else {
            return Outcome::status(0);
        };
        let cwd = self.shell().cwd.clone();
        match sys.read_file(&cwd, file) {
            Ok(data) => match self.compile_or_report(&String::from_utf8_lossy(&data)) {
                Some(program) => Outcome::effect(Effect::Source(program)),
                None => Outcome::status(2),
            },
            Err(why) => Outcome::err(
                format!("{}: .: {file}: {why}\n", self.shell().flavour.name()),
                1,
            ),
        }
    }
}

fn sleep(args: &[String]) -> Outcome {
    if args.is_empty() {
        return Outcome::err("sleep: missing operand\n".into(), 1);
    }
    let mut total: u64 = 0;
    for arg in args {
        match parse_duration_ms(arg) {
            Some(ms) => total = total.saturating_add(ms),
            None => return Outcome::err(format!("sleep: invalid number '{arg}'\n"), 1),
        }
    }
    Outcome::effect(Effect::Sleep(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_like_cd() {
        assert_eq!(resolve_path("/tmp", "../etc/./x"), "/etc/x");
        assert_eq!(resolve_path("/", ".."), "/");
        assert_eq!(resolve_path("/a", "/b/"), "/b");
    }

    #[test]
    fn warmup_is_8ms_per_mib() {
        assert_eq!(warmup_ms(100 * MIB), 800);
        assert_eq!(warmup_ms(1), 1);
    }
}
