//! Tests of the whole language through its public API.

use super::*;

fn parse(src: &str) -> Result<Invocation, ParseError> {
    let cmds = split_commands(src).unwrap();
    assert_eq!(cmds.len(), 1, "one command expected in {src:?}");
    parse_command(&cmds[0])
}

fn err(src: &str) -> String {
    parse(src).unwrap_err().render(src)
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
fn parse_script_keeps_going_after_a_bad_command() {
    let results = parse_script("ps; rn x\nimages").unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_err() && results[2].is_ok());
    assert!(parse_script("echo 'x").is_err());
}

#[test]
fn error_unknown_flag() {
    insta::assert_snapshot!(err("run --nmae web busybox"), @r#"
        Error: unknown flag: --nmae
          run --nmae web busybox
              ^^^^^^ did you mean --name?
        "#);
}

#[test]
fn error_unknown_command() {
    let e = parse("rn busybox").unwrap_err();
    assert_eq!(e.exit_code(), 1);
    insta::assert_snapshot!(e.render("rn busybox"), @r#"
        docker: 'rn' is not a docker command.
          rn busybox
          ^^ did you mean run?
        "#);
    insta::assert_snapshot!(err("docker conatiner ls"), @r#"
        docker: 'conatiner' is not a docker command.
          docker conatiner ls
                 ^^^^^^^^^ did you mean container?
        "#);
    insta::assert_snapshot!(err("container lss"), @r#"
        docker: 'container lss' is not a docker command.
          container lss
                    ^^^ did you mean ls?
        "#);
    insta::assert_snapshot!(err("help rn"), @r#"
        docker: 'rn' is not a docker command.
          help rn
               ^^ did you mean run?
        "#);
}

#[test]
fn error_unknown_shorthand() {
    insta::assert_snapshot!(err("ps -x"), @r#"
        Error: unknown shorthand flag: 'x' in -x
          ps -x
             ^^
        "#);
    insta::assert_snapshot!(err("run -name web busybox"), @r#"
        Error: unknown shorthand flag: 'n' in -name
          run -name web busybox
              ^^^^^ did you mean --name?
        "#);
}

#[test]
fn error_values() {
    let e = parse("run --name").unwrap_err();
    assert_eq!(e.exit_code(), 125);
    insta::assert_snapshot!(e.render("run --name"), @r#"
        Error: flag needs an argument: --name
          run --name
              ^^^^^^
        "#);
    insta::assert_snapshot!(err("run -e"), @r#"
        Error: flag needs an argument: 'e' in -e
          run -e
              ^^
        "#);
    insta::assert_snapshot!(err("stop -t abc web"), @r#"
        Error: invalid argument "abc" for "-t, --time" flag: strconv.ParseInt: parsing "abc": invalid syntax
          stop -t abc web
                  ^^^
        "#);
    insta::assert_snapshot!(err("run -m x busybox"), @r#"
        Error: invalid argument "x" for "-m, --memory" flag: invalid size: 'x'
          run -m x busybox
                 ^
        "#);
    insta::assert_snapshot!(err("run --rm=maybe busybox"), @r#"
        Error: invalid argument "maybe" for "--rm" flag: strconv.ParseBool: parsing "maybe": invalid syntax
          run --rm=maybe busybox
              ^^^^^^^^^^
        "#);
}

#[test]
fn error_argument_counts() {
    insta::assert_snapshot!(err("run"), @r#"
        Error: "docker run" requires at least 1 argument.
          run
             ^
        "#);
    insta::assert_snapshot!(err("start"), @r#"
        Error: "docker start" requires at least 1 argument.
          start
               ^
        "#);
    insta::assert_snapshot!(err("tag a"), @r#"
        Error: "docker tag" requires exactly 2 arguments.
          tag a
               ^
        "#);
    insta::assert_snapshot!(err("diff a b c"), @r#"
        Error: "docker diff" requires exactly 1 argument.
          diff a b c
                 ^^^
        "#);
    insta::assert_snapshot!(err("ps extra"), @r#"
        Error: "docker ps" accepts no arguments.
          ps extra
             ^^^^^
        "#);
    insta::assert_snapshot!(err("commit a b c"), @r#"
        Error: "docker commit" requires at least 1 and at most 2 arguments.
          commit a b c
                     ^
        "#);
    insta::assert_snapshot!(err("container rm"), @r#"
        Error: "docker container rm" requires at least 1 argument.
          container rm
                      ^
        "#);
    insta::assert_snapshot!(err("show cow"), @r#"
        Error: "show cow" requires exactly 1 argument.
          show cow
                  ^
        "#);
}

#[test]
fn error_in_second_command_points_into_its_line() {
    let src = "ps -a\nrm --forse web";
    let cmds = split_commands(src).unwrap();
    let e = parse_command(&cmds[1]).unwrap_err();
    insta::assert_snapshot!(e.render(src), @r#"
        Error: unknown flag: --forse
          rm --forse web
             ^^^^^^^ did you mean --force?
        "#);
}

#[test]
fn help_texts() {
    insta::assert_snapshot!(help_for(Verb::Run).trim_start(), @r#"
        Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]

        Run a command in a new container

        Options:
          -d, --detach              Run container in background and print container ID
              --entrypoint string   Overwrite the default ENTRYPOINT of the image
          -e, --env list            Set environment variables
          -h, --hostname string     Container host name
          -i, --interactive         Keep STDIN open even if not attached
          -m, --memory bytes        Memory limit
              --name string         Assign a name to the container
              --network network     Connect a container to a network
              --rm                  Automatically remove the container when it exits
          -t, --tty                 Allocate a pseudo-TTY
          -u, --user string         Username or UID (format: <name|uid>[:<group|gid>])
          -w, --workdir string      Working directory inside the container
        "#);
    insta::assert_snapshot!(help_for(Verb::Stop).trim_start(), @r#"
        Usage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]

        Stop one or more running containers

        Options:
          -t, --time int   Seconds to wait for stop before killing it (default 10)
        "#);
    insta::assert_snapshot!(help_for(Verb::Ps).trim_start(), @r#"
        Usage:  docker ps [OPTIONS]

        List containers

        Options:
          -a, --all             Show all containers (default shows just running)
          -f, --filter filter   Filter output based on conditions provided
              --format string   Pretty-print containers using a Go template
          -n, --last int        Show n last created containers (includes all states) (default -1)
          -l, --latest          Show the latest created container (includes all states)
              --no-trunc        Don't truncate output
          -q, --quiet           Only display container IDs
          -s, --size            Display total file sizes
        "#);
    insta::assert_snapshot!(help_for(Verb::Diff).trim_start(), @r#"
        Usage:  docker diff CONTAINER

        Inspect changes to files or directories on a container's filesystem
        "#);
    insta::assert_snapshot!(help_for_invocation(&parse("container ls --help").unwrap()).trim_start(), @r#"
        Usage:  docker container ls [OPTIONS]

        List containers

        Aliases:
          ls, ps, list

        Options:
          -a, --all             Show all containers (default shows just running)
          -f, --filter filter   Filter output based on conditions provided
              --format string   Pretty-print containers using a Go template
          -n, --last int        Show n last created containers (includes all states) (default -1)
          -l, --latest          Show the latest created container (includes all states)
              --no-trunc        Don't truncate output
          -q, --quiet           Only display container IDs
          -s, --size            Display total file sizes
        "#);
    assert!(help_overview().starts_with("\nUsage:  [docker] COMMAND\n"));
    insta::assert_snapshot!(help_overview().trim_start(), @r#"
        Usage:  [docker] COMMAND

        A self-sufficient runtime for containers

        Management Commands:
          container   Manage containers
          image       Manage images

        Commands:
          attach      Attach local standard input, output, and error streams to a running container
          build       Build an image from a Dockerfile
          commit      Create a new image from a container's changes
          create      Create a new container
          diff        Inspect changes to files or directories on a container's filesystem
          exec        Run a command in a running container
          export      Export a container's filesystem as a tar archive
          history     Show the history of an image
          images      List images
          import      Import the contents from a tarball to create a filesystem image
          info        Display system-wide information
          inspect     Return low-level information on Docker objects
          kill        Kill one or more running containers
          load        Load an image from a tar archive or STDIN
          login       Log in to a Docker registry
          logout      Log out from a Docker registry
          logs        Fetch the logs of a container
          pause       Pause all processes within one or more containers
          ps          List containers
          pull        Pull an image or a repository from a registry
          push        Push an image or a repository to a registry
          rename      Rename a container
          restart     Restart one or more containers
          rm          Remove one or more containers
          rmi         Remove one or more images
          run         Run a command in a new container
          save        Save one or more images to a tar archive (streamed to STDOUT by default)
          start       Start one or more stopped containers
          stats       Display a live stream of container(s) resource usage statistics
          stop        Stop one or more running containers
          tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
          top         Display the running processes of a container
          unpause     Unpause all processes within one or more containers
          version     Show the Docker version information
          wait        Block until one or more containers stop, then print their exit codes

        Teaching commands:
          show lifecycle  Draw the container state machine, with where a container is
          show layers     Draw the layer stack of an image or a container
          show cow        Show copy-on-write: what the container changed above its image
          show memory     Show the memory a container holds (running, paused, stopped)
          show arch       Draw client, daemon, runtime and kernel, and what a command crosses
          show disk       Show the on-disk layout of the store
          show ns         Show the namespaces of a container next to the host's
          explain         Explain what a command would do, without doing it
          help            Show the commands, or how to use one
          lesson          Start a guided lesson, or list them
          quiz            Answer a few questions about what you have seen
          record          Record this session to a transcript file, or stop recording
          reset           Remove every container and image, back to a fresh start
          diagrams        Turn the diagrams after each command on or off
          exit            Leave dockerlings (also: quit)

        Run 'docker COMMAND --help' for more information on a command.
        "#);
    insta::assert_snapshot!(help_for_invocation(&parse("image").unwrap()).trim_start(), @r#"
        Usage:  docker image COMMAND

        Manage images

        Commands:
          build       Build an image from a Dockerfile
          history     Show the history of an image
          import      Import the contents from a tarball to create a filesystem image
          inspect     Return low-level information on Docker objects
          load        Load an image from a tar archive or STDIN
          ls          List images
          prune       Remove unused images
          pull        Pull an image or a repository from a registry
          push        Push an image or a repository to a registry
          rm          Remove one or more images
          save        Save one or more images to a tar archive (streamed to STDOUT by default)
          tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE

        Run 'docker image COMMAND --help' for more information on a command.
        "#);
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
    for m in table::MANAGED_FORMS {
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
