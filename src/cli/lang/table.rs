//! Docker 20.10's container commands: usage lines, descriptions and flags in its own words.
//! Image and system commands are in `table_image.rs`, management forms in `managed.rs`.

use super::spec::ArgKind::{Container as C, ContainerOrImage as CI, Image as I, Other as O};
use super::spec::Verb::*;
use super::spec::{CommandSpec as Cmd, FlagSpec, Section, boolean, bytes, int, list, string};

const CREATE_FLAGS: &[FlagSpec] = &[
    string(
        None,
        "entrypoint",
        "Overwrite the default ENTRYPOINT of the image",
    ),
    list(Some('e'), "env", "Set environment variables"),
    string(Some('h'), "hostname", "Container host name"),
    boolean(
        Some('i'),
        "interactive",
        "Keep STDIN open even if not attached",
    ),
    bytes(Some('m'), "memory", "Memory limit"),
    string(None, "name", "Assign a name to the container"),
    string(None, "network", "Connect a container to a network").with_type("network"),
    boolean(
        None,
        "rm",
        "Automatically remove the container when it exits",
    ),
    boolean(Some('t'), "tty", "Allocate a pseudo-TTY"),
    string(
        Some('u'),
        "user",
        "Username or UID (format: <name|uid>[:<group|gid>])",
    ),
    string(
        Some('w'),
        "workdir",
        "Working directory inside the container",
    ),
];

const RUN_FLAGS: &[FlagSpec] = &[
    boolean(
        Some('d'),
        "detach",
        "Run container in background and print container ID",
    ),
    string(
        None,
        "entrypoint",
        "Overwrite the default ENTRYPOINT of the image",
    ),
    list(Some('e'), "env", "Set environment variables"),
    string(Some('h'), "hostname", "Container host name"),
    boolean(
        Some('i'),
        "interactive",
        "Keep STDIN open even if not attached",
    ),
    bytes(Some('m'), "memory", "Memory limit"),
    string(None, "name", "Assign a name to the container"),
    string(None, "network", "Connect a container to a network").with_type("network"),
    boolean(
        None,
        "rm",
        "Automatically remove the container when it exits",
    ),
    boolean(Some('t'), "tty", "Allocate a pseudo-TTY"),
    string(
        Some('u'),
        "user",
        "Username or UID (format: <name|uid>[:<group|gid>])",
    ),
    string(
        Some('w'),
        "workdir",
        "Working directory inside the container",
    ),
];

pub(super) const FORMAT: FlagSpec = string(
    Some('f'),
    "format",
    "Format the output using the given Go template",
);
pub(super) const NO_TRUNC: FlagSpec = boolean(None, "no-trunc", "Don't truncate output");
pub(super) const OUTPUT: FlagSpec =
    string(Some('o'), "output", "Write to a file, instead of STDOUT");
pub(super) const FORCE_PRUNE: FlagSpec =
    boolean(Some('f'), "force", "Do not prompt for confirmation");
pub(super) const FILTER: FlagSpec = list(
    Some('f'),
    "filter",
    "Filter output based on conditions provided",
)
.with_type("filter");

pub const CONTAINER_COMMANDS: &[Cmd] = &[
    Cmd::new(
        Attach,
        &["attach"],
        "[OPTIONS] CONTAINER",
        "Attach local standard input, output, and error streams to a running container",
    )
    .flags(&[
        boolean(None, "no-stdin", "Do not attach STDIN"),
        boolean(
            None,
            "sig-proxy",
            "Proxy all received signals to the process",
        )
        .with_default("true"),
    ])
    .args(1, Some(1), &[C]),
    Cmd::new(
        Commit,
        &["commit"],
        "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
        "Create a new image from a container's changes",
    )
    .flags(&[
        string(
            Some('a'),
            "author",
            "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")",
        ),
        list(
            Some('c'),
            "change",
            "Apply Dockerfile instruction to the created image",
        ),
        string(Some('m'), "message", "Commit message"),
        boolean(Some('p'), "pause", "Pause container during commit").with_default("true"),
    ])
    .args(1, Some(2), &[C, I]),
    Cmd::new(
        Create,
        &["create"],
        "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        "Create a new container",
    )
    .flags(CREATE_FLAGS)
    .args(1, None, &[I, O])
    .stop_at_first_arg(),
    Cmd::new(
        Diff,
        &["diff"],
        "CONTAINER",
        "Inspect changes to files or directories on a container's filesystem",
    )
    .args(1, Some(1), &[C]),
    Cmd::new(
        Exec,
        &["exec"],
        "[OPTIONS] CONTAINER COMMAND [ARG...]",
        "Run a command in a running container",
    )
    .flags(&[
        boolean(
            Some('d'),
            "detach",
            "Detached mode: run command in the background",
        ),
        list(Some('e'), "env", "Set environment variables"),
        boolean(
            Some('i'),
            "interactive",
            "Keep STDIN open even if not attached",
        ),
        boolean(Some('t'), "tty", "Allocate a pseudo-TTY"),
        string(
            Some('u'),
            "user",
            "Username or UID (format: <name|uid>[:<group|gid>])",
        ),
        string(
            Some('w'),
            "workdir",
            "Working directory inside the container",
        ),
    ])
    .args(2, None, &[C, O])
    .stop_at_first_arg(),
    Cmd::new(
        Export,
        &["export"],
        "[OPTIONS] CONTAINER",
        "Export a container's filesystem as a tar archive",
    )
    .flags(&[OUTPUT])
    .args(1, Some(1), &[C]),
    Cmd::new(
        Inspect,
        &["inspect"],
        "[OPTIONS] NAME|ID [NAME|ID...]",
        "Return low-level information on Docker objects",
    )
    .flags(&[
        FORMAT,
        boolean(
            Some('s'),
            "size",
            "Display total file sizes if the type is container",
        ),
        string(None, "type", "Return JSON for specified type"),
    ])
    .args(1, None, &[CI]),
    Cmd::new(
        Kill,
        &["kill"],
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Kill one or more running containers",
    )
    .flags(&[
        string(Some('s'), "signal", "Signal to send to the container").with_default("\"KILL\""),
    ])
    .args(1, None, &[C]),
    Cmd::new(
        Logs,
        &["logs"],
        "[OPTIONS] CONTAINER",
        "Fetch the logs of a container",
    )
    .flags(&[
        boolean(Some('f'), "follow", "Follow log output"),
        string(
            Some('n'),
            "tail",
            "Number of lines to show from the end of the logs",
        )
        .with_default("\"all\""),
        boolean(Some('t'), "timestamps", "Show timestamps"),
    ])
    .args(1, Some(1), &[C]),
    Cmd::new(
        Pause,
        &["pause"],
        "CONTAINER [CONTAINER...]",
        "Pause all processes within one or more containers",
    )
    .args(1, None, &[C]),
    Cmd::new(Ps, &["ps"], "[OPTIONS]", "List containers").flags(&[
        boolean(
            Some('a'),
            "all",
            "Show all containers (default shows just running)",
        ),
        FILTER,
        string(
            None,
            "format",
            "Pretty-print containers using a Go template",
        ),
        int(
            Some('n'),
            "last",
            "Show n last created containers (includes all states)",
        )
        .with_default("-1"),
        boolean(
            Some('l'),
            "latest",
            "Show the latest created container (includes all states)",
        ),
        NO_TRUNC,
        boolean(Some('q'), "quiet", "Only display container IDs"),
        boolean(Some('s'), "size", "Display total file sizes"),
    ]),
    Cmd::new(
        Rename,
        &["rename"],
        "CONTAINER NEW_NAME",
        "Rename a container",
    )
    .args(2, Some(2), &[C, O]),
    Cmd::new(
        Restart,
        &["restart"],
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Restart one or more containers",
    )
    .flags(&[int(
        Some('t'),
        "time",
        "Seconds to wait for stop before killing the container",
    )
    .with_default("10")])
    .args(1, None, &[C]),
    Cmd::new(
        Rm,
        &["rm"],
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Remove one or more containers",
    )
    .flags(&[
        boolean(
            Some('f'),
            "force",
            "Force the removal of a running container (uses SIGKILL)",
        ),
        boolean(
            Some('v'),
            "volumes",
            "Remove anonymous volumes associated with the container",
        ),
    ])
    .args(1, None, &[C]),
    Cmd::new(
        Run,
        &["run"],
        "[OPTIONS] IMAGE [COMMAND] [ARG...]",
        "Run a command in a new container",
    )
    .flags(RUN_FLAGS)
    .args(1, None, &[I, O])
    .stop_at_first_arg(),
    Cmd::new(
        Start,
        &["start"],
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Start one or more stopped containers",
    )
    .flags(&[
        boolean(
            Some('a'),
            "attach",
            "Attach STDOUT/STDERR and forward signals",
        ),
        boolean(Some('i'), "interactive", "Attach container's STDIN"),
    ])
    .args(1, None, &[C]),
    Cmd::new(
        Stats,
        &["stats"],
        "[OPTIONS] [CONTAINER...]",
        "Display a live stream of container(s) resource usage statistics",
    )
    .flags(&[
        boolean(
            Some('a'),
            "all",
            "Show all containers (default shows just running)",
        ),
        string(None, "format", "Pretty-print images using a Go template"),
        boolean(
            None,
            "no-stream",
            "Disable streaming stats and only pull the first result",
        ),
        boolean(None, "no-trunc", "Do not truncate output"),
    ])
    .args(0, None, &[C]),
    Cmd::new(
        Stop,
        &["stop"],
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Stop one or more running containers",
    )
    .flags(&[int(
        Some('t'),
        "time",
        "Seconds to wait for stop before killing it",
    )
    .with_default("10")])
    .args(1, None, &[C]),
    Cmd::new(
        Top,
        &["top"],
        "CONTAINER [ps OPTIONS]",
        "Display the running processes of a container",
    )
    .args(1, None, &[C, O])
    .stop_at_first_arg(),
    Cmd::new(
        Unpause,
        &["unpause"],
        "CONTAINER [CONTAINER...]",
        "Unpause all processes within one or more containers",
    )
    .args(1, None, &[C]),
    Cmd::new(
        Wait,
        &["wait"],
        "CONTAINER [CONTAINER...]",
        "Block until one or more containers stop, then print their exit codes",
    )
    .args(1, None, &[C]),
    Cmd::new(
        ContainerPrune,
        &["container", "prune"],
        "[OPTIONS]",
        "Remove all stopped containers",
    )
    .flags(&[FORCE_PRUNE])
    .section(Section::ManagementOnly),
];
