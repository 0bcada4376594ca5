//! The check language of `check:` lines: small sentences about engine state.
//!
//! Forms (NAME is a container name or ID, REF an image reference, N a number):
//! `container NAME is created|running|paused|exited|removed`, `container NAME exists`,
//! `container NAME does not exist`, `container NAME exit code is N`,
//! `image REF exists`, `image REF does not exist`, `image REF has N layers`,
//! `image REF is shared by N images`, `image REF is the same as REF`,
//! `path P is in the writable layer of NAME`, `path P is not in the writable layer of NAME`,
//! `path P is added in NAME`, `path P is changed in NAME`, `path P is deleted in NAME`,
//! `memory of NAME is kept`, `memory of NAME is freed`,
//! `containers running = N`, `containers = N`, `containers from REF = N`,
//! `file P exists`, `file P does not exist`, `image REF is the image in FILE`.
use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::take_while1,
    character::complete::{digit1, space0},
    combinator::{eof, map_res, opt, recognize, value, verify},
    sequence::{preceded, terminated},
};
use serde::{Deserialize, Serialize};

use super::probe::StateProbe;
use crate::engine::state::ContainerStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PathChange {
    /// A, C or D: anything recorded in the writable layer.
    Any,
    None,
    Added,
    Changed,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    ContainerStatus {
        name: String,
        status: ContainerStatus,
    },
    ContainerExists {
        name: String,
        exists: bool,
    },
    ExitCode {
        name: String,
        code: i32,
    },
    ImageExists {
        reference: String,
        exists: bool,
    },
    ImageLayers {
        reference: String,
        layers: usize,
    },
    ImageShared {
        reference: String,
        images: usize,
    },
    ImageSame {
        a: String,
        b: String,
    },
    Path {
        path: String,
        change: PathChange,
        container: String,
    },
    MemoryKept {
        name: String,
    },
    MemoryFreed {
        name: String,
    },
    RunningCount(usize),
    ContainerCount(usize),
    ContainersFrom {
        reference: String,
        count: usize,
    },
    HostFile {
        path: String,
        exists: bool,
    },
    /// The image REF resolves to is one of the images saved in the archive FILE.
    ImageInArchive {
        reference: String,
        path: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub pass: bool,
    pub explanation: String,
}

/// Why a check line could not be read: the byte offset into the text and the closest form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSyntaxError {
    pub offset: usize,
    pub message: String,
}

type Res<'a, T> = IResult<&'a str, T>;

fn word(i: &str) -> Res<'_, &str> {
    preceded(space0, take_while1(|c: char| !c.is_whitespace())).parse(i)
}

fn kw<'a>(
    k: &'static str,
) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    preceded(
        space0,
        verify(take_while1(|c: char| !c.is_whitespace()), move |w: &str| {
            w == k
        }),
    )
}

fn number<T: std::str::FromStr>(i: &str) -> Res<'_, T> {
    preceded(
        space0,
        map_res(
            recognize((opt(nom::character::complete::char('-')), digit1)),
            str::parse,
        ),
    )
    .parse(i)
}

fn end(i: &str) -> Res<'_, &str> {
    preceded(space0, eof).parse(i)
}

fn status(i: &str) -> Res<'_, ContainerStatus> {
    alt((
        value(ContainerStatus::Created, kw("created")),
        value(ContainerStatus::Running, kw("running")),
        value(ContainerStatus::Paused, kw("paused")),
        value(ContainerStatus::Exited, kw("exited")),
        value(ContainerStatus::Removed, kw("removed")),
    ))
    .parse(i)
}

fn s(x: &str) -> String {
    x.to_string()
}

type Form = (&'static str, fn(&str) -> Res<'_, Check>);

/// Every form with the parser that reads it; the form text is shown when a line is close to it.
const FORMS: &[Form] = &[
    (
        "container NAME is created|running|paused|exited|removed",
        |i| {
            let (i, (_, n, _, st)) = (kw("container"), word, kw("is"), status).parse(i)?;
            Ok((
                i,
                Check::ContainerStatus {
                    name: s(n),
                    status: st,
                },
            ))
        },
    ),
    ("container NAME exists", |i| {
        let (i, (_, n, _)) = (kw("container"), word, kw("exists")).parse(i)?;
        Ok((
            i,
            Check::ContainerExists {
                name: s(n),
                exists: true,
            },
        ))
    }),
    ("container NAME does not exist", |i| {
        let (i, (_, n, _, _, _)) =
            (kw("container"), word, kw("does"), kw("not"), kw("exist")).parse(i)?;
        Ok((
            i,
            Check::ContainerExists {
                name: s(n),
                exists: false,
            },
        ))
    }),
    ("container NAME exit code is N", |i| {
        let (i, (_, n, _, _, _, code)) = (
            kw("container"),
            word,
            kw("exit"),
            kw("code"),
            kw("is"),
            number,
        )
            .parse(i)?;
        Ok((i, Check::ExitCode { name: s(n), code }))
    }),
    ("image REF exists", |i| {
        let (i, (_, r, _)) = (kw("image"), word, kw("exists")).parse(i)?;
        Ok((
            i,
            Check::ImageExists {
                reference: s(r),
                exists: true,
            },
        ))
    }),
    ("image REF does not exist", |i| {
        let (i, (_, r, _, _, _)) =
            (kw("image"), word, kw("does"), kw("not"), kw("exist")).parse(i)?;
        Ok((
            i,
            Check::ImageExists {
                reference: s(r),
                exists: false,
            },
        ))
    }),
    ("image REF has N layers", |i| {
        let (i, (_, r, _, layers, _)) = (
            kw("image"),
            word,
            kw("has"),
            number,
            alt((kw("layers"), kw("layer"))),
        )
            .parse(i)?;
        Ok((
            i,
            Check::ImageLayers {
                reference: s(r),
                layers,
            },
        ))
    }),
    ("image REF is shared by N images", |i| {
        let (i, (_, r, _, _, _, images, _)) = (
            kw("image"),
            word,
            kw("is"),
            kw("shared"),
            kw("by"),
            number,
            alt((kw("images"), kw("image"))),
        )
            .parse(i)?;
        Ok((
            i,
            Check::ImageShared {
                reference: s(r),
                images,
            },
        ))
    }),
    ("image REF is the same as REF", |i| {
        let (i, (_, a, _, _, _, _, b)) = (
            kw("image"),
            word,
            kw("is"),
            kw("the"),
            kw("same"),
            kw("as"),
            word,
        )
            .parse(i)?;
        Ok((i, Check::ImageSame { a: s(a), b: s(b) }))
    }),
    ("image REF is the image in FILE", |i| {
        let (i, (_, r, _, _, _, _, p)) = (
            kw("image"),
            word,
            kw("is"),
            kw("the"),
            kw("image"),
            kw("in"),
            word,
        )
            .parse(i)?;
        Ok((
            i,
            Check::ImageInArchive {
                reference: s(r),
                path: s(p),
            },
        ))
    }),
    ("path P is [not] in the writable layer of NAME", |i| {
        let (i, (_, p, _, not, _, _, _, _, _, c)) = (
            kw("path"),
            word,
            kw("is"),
            opt(kw("not")),
            kw("in"),
            kw("the"),
            kw("writable"),
            kw("layer"),
            kw("of"),
            word,
        )
            .parse(i)?;
        let change = if not.is_some() {
            PathChange::None
        } else {
            PathChange::Any
        };
        Ok((
            i,
            Check::Path {
                path: s(p),
                change,
                container: s(c),
            },
        ))
    }),
    ("path P is added|changed|deleted in NAME", |i| {
        let kind = alt((
            value(PathChange::Added, kw("added")),
            value(PathChange::Changed, kw("changed")),
            value(PathChange::Deleted, kw("deleted")),
        ));
        let (i, (_, p, _, change, _, c)) =
            (kw("path"), word, kw("is"), kind, kw("in"), word).parse(i)?;
        Ok((
            i,
            Check::Path {
                path: s(p),
                change,
                container: s(c),
            },
        ))
    }),
    ("memory of NAME is kept|freed", |i| {
        let (i, (_, _, n, _, kept)) = (
            kw("memory"),
            kw("of"),
            word,
            kw("is"),
            alt((value(true, kw("kept")), value(false, kw("freed")))),
        )
            .parse(i)?;
        let name = s(n);
        Ok((
            i,
            if kept {
                Check::MemoryKept { name }
            } else {
                Check::MemoryFreed { name }
            },
        ))
    }),
    ("containers running = N", |i| {
        let (i, (_, _, _, n)) = (kw("containers"), kw("running"), kw("="), number).parse(i)?;
        Ok((i, Check::RunningCount(n)))
    }),
    ("containers = N", |i| {
        let (i, (_, _, n)) = (kw("containers"), kw("="), number).parse(i)?;
        Ok((i, Check::ContainerCount(n)))
    }),
    ("containers from REF = N", |i| {
        let (i, (_, _, r, _, count)) =
            (kw("containers"), kw("from"), word, kw("="), number).parse(i)?;
        Ok((
            i,
            Check::ContainersFrom {
                reference: s(r),
                count,
            },
        ))
    }),
    ("file P exists|does not exist", |i| {
        let exists = alt((
            value(true, kw("exists")),
            value(false, (kw("does"), kw("not"), kw("exist"))),
        ));
        let (i, (_, p, e)) = (kw("file"), word, exists).parse(i)?;
        Ok((
            i,
            Check::HostFile {
                path: s(p),
                exists: e,
            },
        ))
    }),
];

impl Check {
    /// Reads one check sentence. On failure, points at where the closest form stopped matching.
    pub fn parse(text: &str) -> Result<Check, CheckSyntaxError> {
        let mut best: Option<(usize, &str)> = None;
        for (form, parser) in FORMS {
            match terminated(*parser, end).parse(text) {
                Ok((_, check)) => return Ok(check),
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    let at = text.len() - e.input.len();
                    let at = at + (e.input.len() - e.input.trim_start().len());
                    if best.is_none_or(|(b, _)| at > b) {
                        best = Some((at, form));
                    }
                }
                Err(nom::Err::Incomplete(_)) => {}
            }
        }
        let (offset, form) = best.unwrap_or((0, FORMS[0].0));
        let message = if offset == 0 {
            "unknown check; checks start with container, image, path, memory, containers or file"
                .to_string()
        } else {
            format!("cannot read this check here; the closest form is `{form}`")
        };
        Err(CheckSyntaxError { offset, message })
    }

    pub fn evaluate(&self, probe: &dyn StateProbe) -> CheckResult {
        let (pass, explanation) = super::check_eval::evaluate(self, probe);
        CheckResult { pass, explanation }
    }
}

#[cfg(test)]
mod tests;
