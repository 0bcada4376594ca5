//! What each command does, flag by flag, in the lessons' voice. `{v}` stands for the value.

#[derive(Clone, Copy)]
pub struct FlagDoc {
    pub names: &'static [&'static str],
    pub takes_value: bool,
    pub text: &'static str,
}

pub struct CmdDoc {
    pub name: &'static str,
    pub what: &'static str,
    /// Positional arguments in order; a label ending in `…` takes the rest of the line.
    pub args: &'static [(&'static str, &'static str)],
    pub flags: &'static [FlagDoc],
    pub state: &'static str,
    pub touches: &'static str,
    pub network: &'static str,
    /// Said plainly when dockerlings cannot run it yet.
    pub note: &'static str,
}

const fn f(names: &'static [&'static str], takes_value: bool, text: &'static str) -> FlagDoc {
    FlagDoc {
        names,
        takes_value,
        text,
    }
}

const NO_NET: &str = "no: only the local daemon is involved";
const SOON: &str = "dockerlings does not run this command yet; it is coming. Until then, read this and look at the diagrams.";
const NOT_HERE: &str = "dockerlings has no registry to talk to; this is what real Docker would do.";

const IT: [FlagDoc; 2] = [
    f(
        &["-i", "--interactive"],
        false,
        "keep the container's stdin open so you can type into it",
    ),
    f(
        &["-t", "--tty"],
        false,
        "give it a terminal (a pty), so a shell shows a prompt",
    ),
];

pub const DOCS: &[CmdDoc] = &[
    CmdDoc {
        name: "run",
        what: "creates a new container from an image and starts it: `create` + `start` in one go",
        args: &[
            (
                "IMAGE",
                "the image {v}: taken from the local store; pulled from a registry only if it is missing",
            ),
            (
                "COMMAND…",
                "`{v}` replaces the image's default command (CMD)",
            ),
        ],
        flags: &[
            f(
                &["-d", "--detach"],
                false,
                "detached: prints the new container's full ID and gives the prompt back",
            ),
            IT[0],
            IT[1],
            f(
                &["--name"],
                true,
                "the container will be called `{v}` (without it Docker invents a name like `eager_turing`)",
            ),
            f(
                &["--rm"],
                false,
                "remove the container (and its writable layer) as soon as it exits",
            ),
            f(
                &["-e", "--env"],
                true,
                "set the environment variable {v} inside the container",
            ),
            f(
                &["-m", "--memory"],
                true,
                "memory limit {v}, enforced by the memory cgroup",
            ),
            f(
                &["--entrypoint"],
                true,
                "replace the image's ENTRYPOINT with `{v}`",
            ),
            f(
                &["-p", "--publish"],
                true,
                "publish a port ({v}); dockerlings records it but has no network",
            ),
            f(
                &["-v", "--volume"],
                true,
                "mount {v}; data in a volume is not in the writable layer",
            ),
        ],
        state: "(new) → created → running; when the main process ends: → exited",
        touches: "reads the image's layers; makes a new container with an empty writable layer on top",
        network: "only when the image is not in the local store (then it is pulled)",
        note: "",
    },
    CmdDoc {
        name: "create",
        what: "makes a container from an image without starting it: its config and writable layer exist, no process does",
        args: &[
            (
                "IMAGE",
                "the image {v}: local store first, pulled only if missing",
            ),
            ("COMMAND…", "`{v}` will be the main process when it starts"),
        ],
        flags: &[
            IT[0],
            IT[1],
            f(&["--name"], true, "the container will be called `{v}`"),
            f(&["-e", "--env"], true, "set {v} in its environment"),
        ],
        state: "(new) → created",
        touches: "a new container record and an empty writable layer",
        network: "only when the image is not in the local store",
        note: "",
    },
    CmdDoc {
        name: "start",
        what: "starts the main process of a created or exited container; the writable layer is kept as it was",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[
            f(&["-a", "--attach"], false, "attach to its output"),
            f(&["-i", "--interactive"], false, "attach its stdin"),
        ],
        state: "created → running, exited → running (refused for a paused container: unpause it)",
        touches: "the container's process (a fresh one: memory starts from nothing)",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "stop",
        what: "asks the main process to end (SIGTERM), waits, then kills it (SIGKILL); its memory is freed",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[f(
            &["-t", "--time"],
            true,
            "wait {v} seconds after SIGTERM before SIGKILL (default 10)",
        )],
        state: "running → exited, paused → exited (code 137 when it had to be killed)",
        touches: "the process ends; the writable layer stays",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "kill",
        what: "sends a signal to the main process at once (SIGKILL by default): no grace period",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[f(&["-s", "--signal"], true, "send {v} instead of SIGKILL")],
        state: "running → exited (137 = 128 + 9, killed by SIGKILL), paused → exited",
        touches: "the process; memory is freed, the writable layer stays",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "restart",
        what: "stop, then start: a new process, the same container and writable layer",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[f(
            &["-t", "--time"],
            true,
            "grace period {v} seconds for the stop part",
        )],
        state: "running → exited → running, exited → running",
        touches: "the process (memory rebuilt from nothing)",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "pause",
        what: "freezes every process of the container (cgroup freezer): no CPU, memory kept",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[],
        state: "running → paused",
        touches: "the container's cgroup (freezer.state = FROZEN, or cgroup.freeze = 1)",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "unpause",
        what: "thaws a paused container: its processes carry on exactly where they were",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[],
        state: "paused → running",
        touches: "the container's cgroup (THAWED)",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "rm",
        what: "removes a container: its record and its writable layer are deleted (the image stays)",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[
            f(
                &["-f", "--force"],
                false,
                "kill it first if it is running or paused",
            ),
            f(
                &["-v", "--volumes"],
                false,
                "also remove its anonymous volumes",
            ),
        ],
        state: "created/exited → removed; running/paused → removed only with -f",
        touches: "deletes the container's writable layer: changes not committed are gone",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "ps",
        what: "lists containers: only running (and paused) ones, unless -a",
        args: &[],
        flags: &[
            f(
                &["-a", "--all"],
                false,
                "all containers, also created and exited ones",
            ),
            f(&["-q", "--quiet"], false, "only the short IDs"),
            f(
                &["--format"],
                true,
                "print each container with the Go template {v}",
            ),
            f(&["--no-trunc"], false, "do not shorten IDs and commands"),
        ],
        state: "none (read only)",
        touches: "nothing",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "exec",
        what: "runs an extra process inside a running container (same namespaces, same filesystem)",
        args: &[
            ("CONTAINER", "container {v} (must be running, not paused)"),
            ("COMMAND…", "`{v}` runs inside it"),
        ],
        flags: &[
            IT[0],
            IT[1],
            f(&["-d", "--detach"], false, "run it in the background"),
            f(&["-e", "--env"], true, "set {v} for this process"),
        ],
        state: "none: the container stays running; the extra process ends on its own",
        touches: "whatever the command writes lands in the container's writable layer",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "logs",
        what: "prints what the container's main process wrote to stdout and stderr (kept in its json log)",
        args: &[("CONTAINER", "container {v}")],
        flags: &[
            f(&["-f", "--follow"], false, "keep printing new output"),
            f(&["--tail"], true, "only the last {v} lines"),
            f(
                &["-t", "--timestamps"],
                false,
                "prefix each line with its time",
            ),
        ],
        state: "none (read only)",
        touches: "reads containers/<id>/<id>-json.log",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "inspect",
        what: "prints everything Docker knows about an object (container or image) as JSON",
        args: &[("NAME…", "object(s) {v}")],
        flags: &[
            f(
                &["-f", "--format"],
                true,
                "print only the Go template {v}, e.g. '{{.State.Status}}' or '{{json .RootFS.Layers}}'",
            ),
            f(&["--type"], true, "only look for a {v}"),
        ],
        state: "none (read only)",
        touches: "nothing",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "images",
        what: "lists the images in the local store: repository, tag, image ID, created, size",
        args: &[("REPOSITORY", "only images of {v}")],
        flags: &[
            f(&["-a", "--all"], false, "also intermediate images"),
            f(&["-q", "--quiet"], false, "only the IDs"),
            f(&["--format"], true, "Go template {v}"),
        ],
        state: "none (read only)",
        touches: "nothing",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "tag",
        what: "gives an image one more name: no copy, both names point to the same image ID",
        args: &[
            ("SOURCE", "the existing image {v}"),
            (
                "TARGET",
                "the new name {v} ([registry/][user/]repo[:tag], lowercase repository)",
            ),
        ],
        flags: &[],
        state: "none (images have no lifecycle)",
        touches: "repositories.json only: a new name → the same ID",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "rmi",
        what: "removes an image name; the layers are deleted only when no other name or container still uses them",
        args: &[("IMAGE…", "image(s) {v}")],
        flags: &[f(
            &["-f", "--force"],
            false,
            "remove even if a stopped container uses it",
        )],
        state: "none",
        touches: "prints Untagged: for the name, Deleted: for every layer really freed",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "info",
        what: "describes the daemon: storage driver (overlay2), Docker root dir, cgroup version, counts",
        args: &[],
        flags: &[f(&["-f", "--format"], true, "Go template {v}")],
        state: "none (read only)",
        touches: "nothing",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "diff",
        what: "lists what changed in the container's writable layer: A added, C changed, D deleted",
        args: &[("CONTAINER", "container {v}")],
        flags: &[],
        state: "none (read only)",
        touches: "reads the upper dir (overlay2/<id>/diff)",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "stats",
        what: "shows CPU, memory and PIDs of containers, measured from their cgroups",
        args: &[("CONTAINER…", "container(s) {v}")],
        flags: &[
            f(&["--no-stream"], false, "print once instead of refreshing"),
            f(
                &["-a", "--all"],
                false,
                "also containers that are not running",
            ),
            f(&["--format"], true, "Go template {v}"),
        ],
        state: "none (read only)",
        touches: "nothing",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "container prune",
        what: "removes every stopped (exited or created) container at once, after asking",
        args: &[],
        flags: &[f(&["-f", "--force"], false, "do not ask for confirmation")],
        state: "created/exited → removed, for all of them; running and paused ones are left alone",
        touches: "their writable layers are deleted; prints the IDs and the space reclaimed",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "commit",
        what: "turns a container's writable layer into a new read-only image layer, on top of its image's layers",
        args: &[
            ("CONTAINER", "container {v}"),
            ("REPOSITORY[:TAG]", "the new image will be called {v}"),
        ],
        flags: &[
            f(
                &["-m", "--message"],
                true,
                "commit message {v} (shown in `history`)",
            ),
            f(&["-a", "--author"], true, "author {v}"),
            f(
                &["-c", "--change"],
                true,
                "apply the Dockerfile instruction {v} (e.g. CMD)",
            ),
            f(
                &["-p", "--pause"],
                false,
                "pause while committing (the default)",
            ),
        ],
        state: "none for the container (it is paused during the commit and carries on)",
        touches: "a new layer + a new image config; the base layers are shared, not copied",
        network: NO_NET,
        note: "A Dockerfile is preferred in real projects: it records how the image was made, so it can be rebuilt.",
    },
    CmdDoc {
        name: "history",
        what: "lists an image's layers, newest first, with the instruction that made each and its size",
        args: &[("IMAGE", "image {v}")],
        flags: &[
            f(&["--no-trunc"], false, "full instructions"),
            f(&["-q", "--quiet"], false, "only IDs"),
            f(&["--format"], true, "Go template {v}"),
        ],
        state: "none (read only)",
        touches: "nothing",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "save",
        what: "writes image(s) with all their layers, config and names to a tar archive (for offline transfer)",
        args: &[("IMAGE…", "image(s) {v}")],
        flags: &[f(
            &["-o", "--output"],
            true,
            "write to the file {v} instead of stdout",
        )],
        state: "none",
        touches: "reads the store; writes the archive (layers stay separate, history kept)",
        network: "no: that is the point, the tar can travel by scp or USB stick",
        note: "",
    },
    CmdDoc {
        name: "load",
        what: "reads a `save` archive back into the store: same layers, same image ID, same names",
        args: &[],
        flags: &[
            f(
                &["-i", "--input"],
                true,
                "read the archive {v} instead of stdin",
            ),
            f(&["-q", "--quiet"], false, "print less"),
        ],
        state: "none",
        touches: "adds the layers that are not already there, the config, and the names",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "export",
        what: "writes a container's whole merged filesystem as one flat tar: no layers, no history, no config",
        args: &[("CONTAINER", "container {v}")],
        flags: &[f(&["-o", "--output"], true, "write to the file {v}")],
        state: "none",
        touches: "reads the merged view (image layers + writable layer)",
        network: NO_NET,
        note: "",
    },
    CmdDoc {
        name: "import",
        what: "makes a new single-layer image from a flat filesystem tar (e.g. from `export`); CMD and ENV are lost",
        args: &[
            ("FILE", "the tar {v} (`-` = stdin)"),
            ("REPOSITORY[:TAG]", "the new image is called {v}"),
        ],
        flags: &[
            f(
                &["-c", "--change"],
                true,
                "apply the Dockerfile instruction {v}",
            ),
            f(&["-m", "--message"], true, "commit message {v}"),
        ],
        state: "none",
        touches: "one new layer and a new image",
        network: "no (unless FILE is a URL)",
        note: "",
    },
    CmdDoc {
        name: "pull",
        what: "downloads an image's manifest, config and missing layers from a registry (Docker Hub by default)",
        args: &[("IMAGE", "image {v}")],
        flags: &[],
        state: "none",
        touches: "adds layers not already present (shared layers are skipped: `Already exists`)",
        network: "yes: it talks to the registry",
        note: NOT_HERE,
    },
    CmdDoc {
        name: "push",
        what: "uploads an image's missing layers and manifest to the registry named in the tag",
        args: &[(
            "IMAGE",
            "image {v}: must be tagged [registry/]user/repo:tag",
        )],
        flags: &[],
        state: "none",
        touches: "nothing locally",
        network: "yes: it talks to the registry, after `docker login`",
        note: NOT_HERE,
    },
    CmdDoc {
        name: "login",
        what: "stores credentials for a registry so push (and private pulls) are allowed",
        args: &[("SERVER", "registry {v} (Docker Hub when omitted)")],
        flags: &[
            f(&["-u", "--username"], true, "user {v}"),
            f(
                &["-p", "--password"],
                true,
                "password (prefer --password-stdin)",
            ),
        ],
        state: "none",
        touches: "~/.docker/config.json",
        network: "yes: the registry checks the credentials",
        note: NOT_HERE,
    },
    CmdDoc {
        name: "build",
        what: "runs a Dockerfile step by step; each FROM/RUN/COPY/ADD makes or reuses a layer, CMD/ENTRYPOINT only set config",
        args: &[(
            "PATH",
            "the build context {v}: the directory sent to the daemon, with the Dockerfile",
        )],
        flags: &[
            f(&["-t", "--tag"], true, "name the result {v}"),
            f(&["-f", "--file"], true, "use the Dockerfile {v}"),
            f(&["--no-cache"], false, "do not reuse cached layers"),
        ],
        state: "none for containers (build runs temporary ones for RUN steps)",
        touches: "new layers for changed steps; unchanged steps come from the cache",
        network: "only to pull the FROM image if missing, or when a RUN step downloads",
        note: SOON,
    },
];

pub fn find(name: &str) -> Option<&'static CmdDoc> {
    DOCS.iter().find(|d| d.name == name)
}
