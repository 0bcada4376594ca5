//! Identifiers: chain ids, cache ids, Docker's 26-character short links.
use sha2::{Digest, Sha256};

use super::Store;

#[derive(Debug, Clone)]
pub(crate) enum IdSource {
    Random,
    Seeded(String),
}

/// "sha256:<hex>" of some bytes.
pub fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// chainID(base) = diffID; chainID(n) = sha256(chainID(n-1) + " " + diffID(n)).
pub fn chain_id(parent_chain: Option<&str>, diff_id: &str) -> String {
    match parent_chain {
        None => diff_id.to_string(),
        Some(parent) => digest(format!("{parent} {diff_id}").as_bytes()),
    }
}

/// Docker's short link name: base32 (RFC 4648, no padding) of 16 bytes, cut to 26 chars.
pub fn short_link_from_bytes(bytes: &[u8; 16]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(26);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out.truncate(26);
    out
}

impl Store {
    /// `n` random bytes as hex; from the seed (and `purpose`) when deterministic.
    fn id_bytes(&self, purpose: &str) -> [u8; 32] {
        match &*self.ids.borrow() {
            IdSource::Seeded(seed) => Sha256::digest(format!("{seed}\0{purpose}")).into(),
            IdSource::Random => {
                let mut buf = [0u8; 32];
                // Without entropy fall back to the purpose and the time: unique enough for
                // names under tmp/, and an id clash is caught by rename failing.
                if getrandom::fill(&mut buf).is_err() {
                    let now = format!("{purpose}{:?}", std::time::SystemTime::now());
                    buf = Sha256::digest(now).into();
                }
                buf
            }
        }
    }

    pub(crate) fn random_hex(&self, n: usize) -> String {
        let mut buf = [0u8; 32];
        if getrandom::fill(&mut buf).is_err() {
            buf = Sha256::digest(format!("{:?}", std::time::SystemTime::now())).into();
        }
        hex::encode(&buf[..n.min(32)])
    }

    /// A 64-hex cache id for a new layer dir (`purpose` names it, for the seeded case).
    pub(crate) fn new_cache_id(&self, purpose: &str) -> String {
        hex::encode(self.id_bytes(&format!("cache-id:{purpose}")))
    }

    pub(crate) fn new_short_link(&self, cache_id: &str) -> String {
        let bytes = self.id_bytes(&format!("link:{cache_id}"));
        let mut first = [0u8; 16];
        first.copy_from_slice(&bytes[..16]);
        short_link_from_bytes(&first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_ids_follow_docker_formula() {
        let base = "sha256:5d49ce15ae4c7db907eb645b27898e5d34ee1fee19ff589859701e58dc9b4390";
        let top = "sha256:6ecf7ca062f2c0cb6fa113116b44e5cea17db11a62c7ed819e2e1b2ae3205762";
        assert_eq!(chain_id(None, base), base);
        let expected = digest(format!("{base} {top}").as_bytes());
        assert_eq!(chain_id(Some(base), top), expected);
        insta::assert_snapshot!(chain_id(Some(base), top), @"sha256:51b807bcadf24d54282cee0f9f2890bfb5e5648b14c02061acb7a3754d79865e");
    }

    #[test]
    fn short_links_are_26_base32_chars() {
        let link = short_link_from_bytes(&[0xff; 16]);
        assert_eq!(link, "77777777777777777777777774");
        let link = short_link_from_bytes(&[0; 16]);
        assert_eq!(link, "AAAAAAAAAAAAAAAAAAAAAAAAAA");
    }
}
