//! Tests of the whole language through its public API.

use super::*;

fn parse(src: &str) -> Result<Invocation, ParseError> {
    let cmds = split_commands(src).unwrap();
    assert_eq!(cmds.len(), 1, "one command expected in {src:?}");
    parse_command(&cmds[0])
}

#[test]
fn run_flags_stop_at_the_image() {
    let inv =
        parse("docker run -dit --name=web -e A=1 --env B=2 -m100m busybox sh -c 'ls -l'").unwrap();
    assert_eq!(inv.verb, Verb::Run);
    assert!(
        inv.flags.is_set("detach") && inv.flags.is_set("interactive") && inv.flags.is_set("tty")
    );
    assert!(!inv.flags.is_set("rm"));
    assert_eq!(inv.flags.string("name"), Some("web"));
    assert_eq!(inv.flags.list("env"), ["A=1", "B=2"]);
    assert_eq!(inv.flags.bytes("memory"), Some(100 * 1024 * 1024));
    assert_eq!(inv.args, ["busybox", "sh", "-c", "ls -l"]);
    assert_eq!(inv.command_path, "docker run");

    let inv = parse("run --rm busybox -d --name x").unwrap();
    assert_eq!(inv.args, ["busybox", "-d", "--name", "x"]);
    assert!(!inv.flags.is_set("detach"));
    assert!(inv.flags.given("rm"));
}

#[test]
fn attached_and_separate_values() {
    let inv = parse("run -m=1g --name web -h box -w /tmp -u 1000 --entrypoint sh alpine").unwrap();
    assert_eq!(inv.flags.bytes("memory"), Some(1 << 30));
    assert_eq!(inv.flags.string("hostname"), Some("box"));
    assert_eq!(inv.flags.string("workdir"), Some("/tmp"));
    assert_eq!(inv.flags.string("user"), Some("1000"));
    assert_eq!(inv.flags.string("entrypoint"), Some("sh"));
    assert!(!inv.help, "-h is run's hostname, not help");
    let inv = parse("run -ie A=1 busybox").unwrap();
    assert!(inv.flags.is_set("interactive"));
    assert_eq!(inv.flags.list("env"), ["A=1"]);
}

#[test]
fn flags_intersperse_elsewhere_and_double_dash_ends_them() {
    let inv = parse("rm web -f db").unwrap();
    assert!(inv.flags.is_set("force"));
    assert_eq!(inv.args, ["web", "db"]);
    let inv = parse("rm -- -weird").unwrap();
    assert_eq!(inv.args, ["-weird"]);
    let inv = parse("exec -it web sh -c 'echo hi'").unwrap();
    assert_eq!(inv.verb, Verb::Exec);
    assert_eq!(inv.args, ["web", "sh", "-c", "echo hi"]);
}

#[test]
fn defaults_come_from_the_table() {
    let inv = parse("kill web").unwrap();
    assert_eq!(inv.flags.string("signal"), Some("KILL"));
    assert!(!inv.flags.given("signal"));
    let inv = parse("stop -t 3 web").unwrap();
    assert_eq!(inv.flags.int("time"), Some(3));
    assert_eq!(parse("stop web").unwrap().flags.int("time"), Some(10));
    assert!(parse("commit web").unwrap().flags.is_set("pause"));
    assert!(
        !parse("commit --pause=false web img:v1")
            .unwrap()
            .flags
            .is_set("pause")
    );
    assert_eq!(parse("ps").unwrap().flags.int("last"), Some(-1));
    assert_eq!(
        parse("logs -n 5 web").unwrap().flags.string("tail"),
        Some("5")
    );
}

#[test]
fn management_forms_resolve() {
    let cases = [
        ("container ls -a", Verb::Ps),
        ("docker container ps", Verb::Ps),
        ("container list", Verb::Ps),
        ("image ls", Verb::Images),
        ("image rm busybox", Verb::Rmi),
        ("container prune -f", Verb::ContainerPrune),
        ("image prune -a", Verb::ImagePrune),
        ("container commit web", Verb::Commit),
        ("show layers busybox", Verb::ShowLayers),
        ("show lifecycle", Verb::ShowLifecycle),
        ("quit", Verb::Exit),
        ("explain run -d busybox", Verb::Explain),
    ];
    for (src, verb) in cases {
        assert_eq!(parse(src).unwrap().verb, verb, "{src}");
    }
    let inv = parse("image inspect busybox").unwrap();
    assert_eq!(
        (inv.verb, inv.flags.string("type")),
        (Verb::Inspect, Some("image"))
    );
    let inv = parse("container inspect web").unwrap();
    assert_eq!(inv.flags.string("type"), Some("container"));
    assert_eq!(
        parse("container ls").unwrap().command_path,
        "docker container ls"
    );
    let inv = parse("explain run -d busybox").unwrap();
    assert_eq!(inv.args, ["run", "-d", "busybox"]);
}

#[test]
fn help_requests() {
    for src in ["run --help", "ps -h", "container ls --help", "rm -fh"] {
        assert!(parse(src).unwrap().help, "{src}");
    }
    assert_eq!(
        help_for_invocation(&parse("docker --help").unwrap()),
        help_overview()
    );
    assert_eq!(help_for_invocation(&parse("-h").unwrap()), help_overview());
    assert_eq!(
        parse("docker --frobnicate").unwrap_err().headline(),
        "Error: unknown flag: --frobnicate"
    );
    let inv = parse("docker").unwrap();
    assert_eq!((inv.verb, inv.args.len()), (Verb::Help, 0));
    let inv = parse("container").unwrap();
    assert_eq!(
        (inv.verb, inv.args.as_slice()),
        (Verb::Help, &["container".to_string()][..])
    );
    let inv = parse("help image rm").unwrap();
    assert!(help_for_invocation(&inv).starts_with("\nUsage:  docker image rm [OPTIONS] IMAGE"));
    assert!(help_for_invocation(&parse("show --help").unwrap()).contains("  cow "));
}

#[test]
fn spans_and_lists() {
    let inv = parse("ps --filter status=exited -f 'name=we b' --format '{{.Names}}'").unwrap();
    assert_eq!(inv.flags.list("filter"), ["status=exited", "name=we b"]);
    assert_eq!(inv.flags.string("format"), Some("{{.Names}}"));
    let inv = parse("top web aux").unwrap();
    assert_eq!(inv.args, ["web", "aux"]);
    assert_eq!(inv.arg_spans[1], Span { start: 8, end: 11 });
    assert_eq!(
        parse("exec web").unwrap_err().headline(),
        "Error: \"docker exec\" requires at least 2 arguments."
    );
    let inv = parse("import - img:v1").unwrap();
    assert_eq!(inv.args, ["-", "img:v1"]);
}

#[test]
fn parse_script_keeps_going_after_a_bad_command() {
    let results = parse_script("ps; rn x\nimages").unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_err() && results[2].is_ok());
    assert!(parse_script("echo 'x").is_err());
}

#[test]
fn every_verb_has_one_spec_and_help() {
    use std::collections::HashSet;
    let mut seen = HashSet::new();
    for c in spec::all_commands() {
        assert!(seen.insert(c.verb), "{:?} twice", c.verb);
        assert!(!help_for(c.verb).is_empty());
        let mut longs = HashSet::new();
        let mut shorts = HashSet::new();
        for f in c.flags {
            assert!(longs.insert(f.long), "{:?} --{}", c.verb, f.long);
            assert!(
                f.short.is_none_or(|s| shorts.insert(s)),
                "{:?} -{:?}",
                c.verb,
                f.short
            );
        }
    }
    for m in managed::MANAGED_FORMS {
        assert!(seen.contains(&m.verb));
    }
}

fn ctx() -> CompletionContext {
    CompletionContext {
        containers: vec!["web".into(), "db".into()],
        images: vec!["busybox".into(), "alpine".into()],
    }
}

#[test]
fn completion() {
    let c = ctx();
    let at_end = |line: &str| complete(line, line.len(), &c);
    assert_eq!(at_end("ru"), (0, vec!["run".to_string()]));
    assert_eq!(at_end("docker pa"), (7, vec!["pause".to_string()]));
    assert_eq!(at_end("container l").1, ["list", "logs", "ls"]);
    assert_eq!(at_end("show l").1, ["layers", "lifecycle"]);
    assert_eq!(at_end("run --n").1, ["--name", "--network"]);
    assert_eq!(at_end("run -d ").1, ["alpine", "busybox"]);
    assert_eq!(at_end("run --name ").1, Vec::<String>::new());
    assert_eq!(at_end("run --name x b").1, ["busybox"]);
    assert_eq!(at_end("run busybox ").1, Vec::<String>::new());
    assert_eq!(at_end("stop -t 3 w"), (10, vec!["web".to_string()]));
    assert_eq!(at_end("start web ").1, ["db", "web"]);
    assert_eq!(at_end("exec -it web ").1, Vec::<String>::new());
    assert_eq!(at_end("tag busybox ").1, Vec::<String>::new());
    assert_eq!(at_end("ps; rm d"), (7, vec!["db".to_string()]));
    assert_eq!(at_end("help ru").1, ["run"]);
    assert_eq!(at_end("rm 'we").1, Vec::<String>::new());
    assert_eq!(complete("rm w", 99, &c).1, ["web"]);
    assert!(at_end("").1.contains(&"docker".to_string()));
    assert_eq!(at_end("show layers ").1, ["alpine", "busybox", "db", "web"]);
    assert_eq!(at_end("docker container ").1.len(), 24);
}

#[test]
fn parser_never_panics_on_odd_input() {
    let mut state: u64 = 0xDEAD_BEEF_1234_5678;
    let pieces = [
        "run",
        "-",
        "--",
        "-dit",
        "--name",
        "=",
        "-m",
        "x",
        "'",
        "\"",
        ";",
        "\n",
        "container",
        "image",
        "show",
        "-h",
        "--help",
        "é",
        "-é",
        "help",
        "docker",
        " ",
        "\\",
        "#",
        "-e=",
        "--rm=",
    ];
    let c = ctx();
    for _ in 0..3000 {
        let n = (state % 9) as usize;
        let mut src = String::new();
        for _ in 0..n {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            src.push_str(pieces[(state % pieces.len() as u64) as usize]);
            if state.is_multiple_of(3) {
                src.push(' ');
            }
        }
        if let Ok(results) = parse_script(&src) {
            for r in results {
                match r {
                    Ok(inv) => {
                        let _ = help_for_invocation(&inv);
                    }
                    Err(e) => {
                        let _ = e.render(&src);
                    }
                }
            }
        }
        for pos in 0..=src.len() + 1 {
            let _ = complete(&src, pos, &c);
        }
    }
    let long = format!("run {} busybox", "-e A=1 ".repeat(50_000));
    assert_eq!(parse(&long).unwrap().flags.list("env").len(), 50_000);
    let _ = parse_script(&"--nmae ".repeat(10_000));
    let _ = parse_script(&format!("{} x", "x".repeat(100_000)));
}
