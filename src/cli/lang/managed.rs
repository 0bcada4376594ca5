//! Management forms: `docker container ...` and `docker image ...` mapped to the verbs.

use super::spec::ManagedForm;
use super::spec::Verb::{self, *};

const fn form(group: &'static str, names: &'static [&'static str], verb: Verb) -> ManagedForm {
    ManagedForm {
        group,
        names,
        verb,
        preset: &[],
    }
}

/// `docker container ...` and `docker image ...`, in the order `docker container --help` lists.
pub const MANAGED_FORMS: &[ManagedForm] = &[
    form("container", &["attach"], Attach),
    form("container", &["commit"], Commit),
    form("container", &["create"], Create),
    form("container", &["diff"], Diff),
    form("container", &["exec"], Exec),
    form("container", &["export"], Export),
    ManagedForm {
        group: "container",
        names: &["inspect"],
        verb: Inspect,
        preset: &[("type", "container")],
    },
    form("container", &["kill"], Kill),
    form("container", &["logs"], Logs),
    form("container", &["ls", "ps", "list"], Ps),
    form("container", &["pause"], Pause),
    form("container", &["prune"], ContainerPrune),
    form("container", &["rename"], Rename),
    form("container", &["restart"], Restart),
    form("container", &["rm"], Rm),
    form("container", &["run"], Run),
    form("container", &["start"], Start),
    form("container", &["stats"], Stats),
    form("container", &["stop"], Stop),
    form("container", &["top"], Top),
    form("container", &["unpause"], Unpause),
    form("container", &["wait"], Wait),
    form("image", &["build"], Build),
    form("image", &["history"], History),
    form("image", &["import"], Import),
    ManagedForm {
        group: "image",
        names: &["inspect"],
        verb: Inspect,
        preset: &[("type", "image")],
    },
    form("image", &["load"], Load),
    form("image", &["ls", "list"], Images),
    form("image", &["prune"], ImagePrune),
    form("image", &["pull"], Pull),
    form("image", &["push"], Push),
    form("image", &["rm"], Rmi),
    form("image", &["save"], Save),
    form("image", &["tag"], Tag),
];
