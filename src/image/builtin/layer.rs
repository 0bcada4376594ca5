//! Deterministic tar layers: fixed mtime, sorted entries, uid/gid 0, filler bytes that
//! depend only on the path, so the same layer hashes the same everywhere.
use std::collections::BTreeMap;

use tar::{EntryType, Header};

/// 2024-04-24T00:00:00Z: every built-in file's mtime.
pub const MTIME: u64 = 1_713_916_800;

enum Node {
    Dir(u32),
    File(u32, Vec<u8>),
    Symlink(String),
    Hardlink(String),
}

/// Collects a layer's entries, then writes them sorted (parents before children).
#[derive(Default)]
pub struct LayerBuilder {
    nodes: BTreeMap<String, Node>,
}

impl LayerBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn dir(&mut self, path: &str, mode: u32) -> &mut Self {
        self.parents(path);
        self.nodes.insert(path.to_string(), Node::Dir(mode));
        self
    }

    pub fn file(&mut self, path: &str, mode: u32, content: impl Into<Vec<u8>>) -> &mut Self {
        self.parents(path);
        self.nodes
            .insert(path.to_string(), Node::File(mode, content.into()));
        self
    }

    /// An executable of `size` filler bytes.
    pub fn binary(&mut self, path: &str, size: usize) -> &mut Self {
        self.file(path, 0o755, filler(path, size))
    }

    pub fn symlink(&mut self, path: &str, target: &str) -> &mut Self {
        self.parents(path);
        self.nodes
            .insert(path.to_string(), Node::Symlink(target.to_string()));
        self
    }

    /// A hard link to `target`, which must sort before `path` (tar order).
    pub fn hardlink(&mut self, path: &str, target: &str) -> &mut Self {
        self.parents(path);
        self.nodes
            .insert(path.to_string(), Node::Hardlink(target.to_string()));
        self
    }

    fn parents(&mut self, path: &str) {
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            end += i;
            self.nodes
                .entry(path[..end].to_string())
                .or_insert(Node::Dir(0o755));
            end += 1;
        }
    }

    /// The tar bytes (ustar, two zero blocks at the end, as Go's archive/tar writes).
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (path, node) in &self.nodes {
            let mut h = Header::new_ustar();
            h.set_mtime(MTIME);
            h.set_uid(0);
            h.set_gid(0);
            let _ = h.set_username("root");
            let _ = h.set_groupname("root");
            let (name, data): (String, &[u8]) = match node {
                Node::Dir(mode) => {
                    h.set_entry_type(EntryType::Directory);
                    h.set_mode(*mode);
                    (format!("{path}/"), &[])
                }
                Node::File(mode, content) => {
                    h.set_entry_type(EntryType::Regular);
                    h.set_mode(*mode);
                    (path.clone(), content)
                }
                Node::Symlink(target) => {
                    h.set_entry_type(EntryType::Symlink);
                    h.set_mode(0o777);
                    let _ = h.set_link_name(target);
                    (path.clone(), &[])
                }
                Node::Hardlink(target) => {
                    h.set_entry_type(EntryType::Link);
                    h.set_mode(0o755);
                    let _ = h.set_link_name(target);
                    (path.clone(), &[])
                }
            };
            // Built-in paths are short ASCII: ustar's name/prefix fields always fit.
            let _ = h.set_path(&name);
            h.set_size(data.len() as u64);
            h.set_cksum();
            out.extend_from_slice(h.as_bytes());
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
        out.extend_from_slice(&[0u8; 1024]);
        out
    }
}

/// `size` bytes that look like an ELF binary: the magic, then xorshift noise seeded by the
/// path (so two binaries differ, and a binary is the same in every run).
pub fn filler(path: &str, size: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in path.bytes() {
        state = (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = Vec::with_capacity(size + 8);
    out.extend_from_slice(b"\x7fELF\x02\x01\x01\0");
    while out.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(size);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_sorted_with_implied_parents() {
        let mut l = LayerBuilder::new();
        l.file("etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/sh\n")
            .symlink("bin", "usr/bin")
            .binary("usr/bin/[", 64)
            .hardlink("usr/bin/test", "usr/bin/[");
        let bytes = l.build();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        insta::assert_snapshot!(names.join(" "), @"bin etc/ etc/passwd usr/ usr/bin/ usr/bin/[ usr/bin/test");
        assert_eq!(filler("a", 100), filler("a", 100));
        assert_ne!(filler("a", 100), filler("b", 100));
    }
}
