//! A layer's tar, kept as a recipe: the raw header/padding bytes in order, with each regular
//! file's payload referenced by its path in diff/. Replaying it yields the original tar
//! byte for byte, so a saved image keeps its diffIDs (Docker's tar-split does the same).
use std::fs::File;
use std::io::{self, Cursor, Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Record {
    /// Bytes copied verbatim (headers, metadata payloads, padding, end blocks).
    Raw { hex: String },
    /// `size` payload bytes, to be read from diff/<path>.
    File { path: String, size: u64 },
}

/// Collects records while a tar is read, merging adjacent raw bytes.
pub(crate) struct Recorder<W: Write> {
    out: W,
    pending: Vec<u8>,
}

impl<W: Write> Recorder<W> {
    pub fn new(out: W) -> Self {
        Recorder {
            out,
            pending: Vec::new(),
        }
    }

    pub fn raw(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    pub fn file(&mut self, path: &str, size: u64) -> io::Result<()> {
        self.flush_raw()?;
        self.write_record(&Record::File {
            path: path.to_string(),
            size,
        })
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.flush_raw()?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn flush_raw(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        // Written as serde would write `Record::Raw` (a test holds them to it), without
        // the char-by-char encoding and escaping pass: a layer's headers are most of
        // what an import writes here.
        let mut hex = vec![0u8; self.pending.len() * 2];
        hex::encode_to_slice(&self.pending, &mut hex)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        self.pending.clear();
        self.out.write_all(br#"{"type":"raw","hex":""#)?;
        self.out.write_all(&hex)?;
        self.out.write_all(b"\"}\n")
    }

    fn write_record(&mut self, record: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")
    }
}

pub(crate) fn parse_records(text: &str) -> Result<Vec<Record>, String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| e.to_string()))
        .collect()
}

/// Streams the tar described by `records`, opening payload files only when reached.
pub struct LayerTarReader {
    diff: PathBuf,
    records: std::vec::IntoIter<Record>,
    current: Option<Box<dyn Read>>,
}

impl LayerTarReader {
    pub(crate) fn new(diff: PathBuf, records: Vec<Record>) -> Self {
        LayerTarReader {
            diff,
            records: records.into_iter(),
            current: None,
        }
    }

    /// The length of the tar, from the records alone (no payload is read).
    pub fn tar_len(&self) -> u64 {
        self.records
            .as_slice()
            .iter()
            .map(|r| match r {
                Record::Raw { hex } => hex.len() as u64 / 2,
                Record::File { size, .. } => *size,
            })
            .sum()
    }

    fn next_source(&mut self) -> io::Result<Option<Box<dyn Read>>> {
        let Some(record) = self.records.next() else {
            return Ok(None);
        };
        Ok(Some(match record {
            Record::Raw { hex } => {
                let bytes = hex::decode(hex)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
                Box::new(Cursor::new(bytes))
            }
            Record::File { path, size } => {
                let full = self.diff.join(&path);
                let file = File::open(&full)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", full.display())))?;
                Box::new(Exactly {
                    inner: file.take(size),
                    left: size,
                    path: full,
                })
            }
        }))
    }
}

impl Read for LayerTarReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.current.is_none() {
                self.current = self.next_source()?;
                if self.current.is_none() {
                    return Ok(0);
                }
            }
            if let Some(source) = self.current.as_mut() {
                let n = source.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
            }
            self.current = None;
        }
    }
}

/// A payload that must be exactly `left` bytes long: a shrunken file is an error, not a
/// silently different tar.
struct Exactly<R> {
    inner: R,
    left: u64,
    path: PathBuf,
}

impl<R: Read> Read for Exactly<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && self.left > 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{}: layer file shorter than recorded", self.path.display()),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_as_json_lines() {
        let mut rec = Recorder::new(Vec::new());
        rec.raw(b"ab");
        rec.raw(b"c");
        rec.file("etc/motd", 3).unwrap();
        rec.raw(&[0, 0]);
        let text = String::from_utf8(rec.finish().unwrap()).unwrap();
        insta::assert_snapshot!(text, @r#"
{"type":"raw","hex":"616263"}
{"type":"file","path":"etc/motd","size":3}
{"type":"raw","hex":"0000"}
"#);
        let records = parse_records(&text).unwrap();
        assert_eq!(records.len(), 3);
    }

    #[test]
    fn a_raw_record_is_written_as_serde_writes_it() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut rec = Recorder::new(Vec::new());
        rec.raw(&bytes);
        let text = String::from_utf8(rec.finish().unwrap()).unwrap();
        let serde = serde_json::to_string(&Record::Raw {
            hex: hex::encode(&bytes),
        })
        .unwrap();
        assert_eq!(text, format!("{serde}\n"));
        assert_eq!(
            parse_records(&text).unwrap(),
            [Record::Raw {
                hex: hex::encode(&bytes)
            }]
        );
    }
}
