//! Rendered errors and help, as the user sees them (inline snapshots).

use super::*;

fn parse(src: &str) -> Result<Invocation, ParseError> {
    let cmds = split_commands(src).unwrap();
    parse_command(&cmds[0])
}

fn err(src: &str) -> String {
    parse(src).unwrap_err().render(src)
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
