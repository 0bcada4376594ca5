use super::*;

fn ex(line: &str) -> String {
    explain(
        &line
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>(),
    )
}

#[test]
fn run_flag_by_flag() {
    insta::assert_snapshot!(ex("docker run -dit --name=web busybox sleep 100000"), @r"
    docker run -dit --name=web busybox sleep 100000
      run: creates a new container from an image and starts it: `create` + `start` in one go.
      -d            detached: prints the new container's full ID and gives the prompt back
      -i            keep the container's stdin open so you can type into it
      -t            give it a terminal (a pty), so a shell shows a prompt
      --name web    the container will be called `web` (without it Docker invents a name like `eager_turing`)
      busybox       the image busybox: taken from the local store; pulled from a registry only if it is missing
      sleep 100000  `sleep 100000` replaces the image's default command (CMD)
      state:    (new) → created → running; when the main process ends: → exited
      touches:  reads the image's layers; makes a new container with an empty writable layer on top
      network:  only when the image is not in the local store (then it is pulled)
    ");
}

#[test]
fn management_forms_and_unknowns() {
    assert!(ex("container ls -a").starts_with("docker container ls -a\n  ps: lists containers"));
    assert!(ex("image rm busybox").contains("rmi: removes an image name"));
    assert!(ex("container prune -f").contains("do not ask for confirmation"));
    assert!(ex("ps --bogus").contains("`--bogus` is not a flag dockerlings knows for ps"));
    assert!(ex("frobnicate").contains("does not know `frobnicate`"));
    assert!(ex("build -t app .").contains("coming"));
    assert!(ex("push me/app:v1").contains("network:  yes"));
    assert!(ex("show layers app").contains("teaching command"));
}

#[test]
fn covers_every_command_the_lessons_use() {
    for verb in [
        "run",
        "create",
        "start",
        "stop",
        "kill",
        "restart",
        "pause",
        "unpause",
        "rm",
        "ps",
        "exec",
        "logs",
        "inspect",
        "images",
        "tag",
        "rmi",
        "info",
        "diff",
        "stats",
        "container prune",
        "commit",
        "history",
        "save",
        "load",
        "export",
        "import",
    ] {
        assert!(!ex(verb).contains("does not know"), "{verb}");
    }
}
