//! Content digests as Docker writes them (`sha256:<hex>`).
use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// Read in 1 MiB pieces: layer blobs and tars run to megabytes.
const BUFFER: usize = 1 << 20;

/// The sha256 of everything `r` yields, as `sha256:<hex>`.
pub fn stream_digest(mut r: impl Read) -> io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; BUFFER];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
    }
    Ok(format!("sha256:{}", hex::encode(h.finalize())))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_digest_of_a_stream_is_docker_shaped() {
        assert_eq!(
            super::stream_digest(&b"abc"[..]).unwrap(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
