//! Docker 20.10's image, registry and system commands, in its own words.

use super::spec::ArgKind::{Image as I, Other as O};
use super::spec::Verb::*;
use super::spec::{CommandSpec as Cmd, Section, boolean, list, string};
use super::table::{FILTER, FORCE_PRUNE, FORMAT, NO_TRUNC, OUTPUT};

pub const IMAGE_COMMANDS: &[Cmd] = &[
    Cmd::new(
        Build,
        &["build"],
        "[OPTIONS] PATH | URL | -",
        "Build an image from a Dockerfile",
    )
    .free_form(&[O]),
    Cmd::new(
        History,
        &["history"],
        "[OPTIONS] IMAGE",
        "Show the history of an image",
    )
    .flags(&[
        string(None, "format", "Pretty-print images using a Go template"),
        boolean(
            Some('H'),
            "human",
            "Print sizes and dates in human readable format",
        )
        .with_default("true"),
        NO_TRUNC,
        boolean(Some('q'), "quiet", "Only show image IDs"),
    ])
    .args(1, Some(1), &[I]),
    Cmd::new(
        Images,
        &["images"],
        "[OPTIONS] [REPOSITORY[:TAG]]",
        "List images",
    )
    .flags(&[
        boolean(
            Some('a'),
            "all",
            "Show all images (default hides intermediate images)",
        ),
        FILTER,
        string(None, "format", "Pretty-print images using a Go template"),
        NO_TRUNC,
        boolean(Some('q'), "quiet", "Only show image IDs"),
    ])
    .args(0, Some(1), &[I]),
    Cmd::new(
        Import,
        &["import"],
        "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
        "Import the contents from a tarball to create a filesystem image",
    )
    .flags(&[
        list(
            Some('c'),
            "change",
            "Apply Dockerfile instruction to the created image",
        ),
        string(
            Some('m'),
            "message",
            "Set commit message for imported image",
        ),
    ])
    .args(1, Some(2), &[O, I]),
    Cmd::new(
        Info,
        &["info"],
        "[OPTIONS]",
        "Display system-wide information",
    )
    .flags(&[FORMAT]),
    Cmd::new(
        Load,
        &["load"],
        "[OPTIONS]",
        "Load an image from a tar archive or STDIN",
    )
    .flags(&[
        string(
            Some('i'),
            "input",
            "Read from tar archive file, instead of STDIN",
        ),
        boolean(Some('q'), "quiet", "Suppress the load output"),
    ]),
    Cmd::new(
        Login,
        &["login"],
        "[OPTIONS] [SERVER]",
        "Log in to a Docker registry",
    )
    .free_form(&[O]),
    Cmd::new(
        Logout,
        &["logout"],
        "[SERVER]",
        "Log out from a Docker registry",
    )
    .free_form(&[O]),
    Cmd::new(
        Pull,
        &["pull"],
        "[OPTIONS] NAME[:TAG|@DIGEST]",
        "Pull an image or a repository from a registry",
    )
    .free_form(&[I]),
    Cmd::new(
        Push,
        &["push"],
        "[OPTIONS] NAME[:TAG]",
        "Push an image or a repository to a registry",
    )
    .free_form(&[I]),
    Cmd::new(
        Rmi,
        &["rmi"],
        "[OPTIONS] IMAGE [IMAGE...]",
        "Remove one or more images",
    )
    .flags(&[
        boolean(Some('f'), "force", "Force removal of the image"),
        boolean(None, "no-prune", "Do not delete untagged parents"),
    ])
    .args(1, None, &[I]),
    Cmd::new(
        Save,
        &["save"],
        "[OPTIONS] IMAGE [IMAGE...]",
        "Save one or more images to a tar archive (streamed to STDOUT by default)",
    )
    .flags(&[OUTPUT])
    .args(1, None, &[I]),
    Cmd::new(
        Tag,
        &["tag"],
        "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    )
    .args(2, Some(2), &[I, O]),
    Cmd::new(
        Version,
        &["version"],
        "[OPTIONS]",
        "Show the Docker version information",
    )
    .flags(&[FORMAT]),
    Cmd::new(
        ImagePrune,
        &["image", "prune"],
        "[OPTIONS]",
        "Remove unused images",
    )
    .flags(&[
        boolean(
            Some('a'),
            "all",
            "Remove all unused images, not just dangling ones",
        ),
        FORCE_PRUNE,
    ])
    .section(Section::ManagementOnly),
];
