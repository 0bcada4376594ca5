//! Docker image references (distribution/reference): `[domain[:port]/]path[:tag][@digest]`,
//! normalised as the daemon does (docker.io, library/) and printed in familiar form.
use std::fmt;

pub const DEFAULT_DOMAIN: &str = "docker.io";
pub const DEFAULT_TAG: &str = "latest";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid reference format")]
    InvalidFormat,
    #[error("invalid reference format: repository name must be lowercase")]
    Uppercase,
    #[error("repository name must not be more than 255 characters")]
    NameTooLong,
    #[error("invalid repository name ({0}), cannot specify 64-byte hexadecimal strings")]
    HexName(String),
}

/// A normalised reference: `domain` is always set (docker.io by default), `path` includes
/// `library/` for official images.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    pub domain: String,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl Reference {
    /// Parse and normalise; a reference with neither tag nor digest gets `latest`.
    pub fn parse(s: &str) -> Result<Reference, ReferenceError> {
        let mut r = Reference::parse_named(s)?;
        if r.tag.is_none() && r.digest.is_none() {
            r.tag = Some(DEFAULT_TAG.to_string());
        }
        Ok(r)
    }

    /// Parse and normalise without adding a default tag (for "Using default tag: latest").
    pub fn parse_named(s: &str) -> Result<Reference, ReferenceError> {
        if s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(ReferenceError::HexName(s.to_string()));
        }
        let (rest, digest) = match s.split_once('@') {
            Some((rest, d)) => {
                if !is_digest(d) {
                    return Err(ReferenceError::InvalidFormat);
                }
                (rest, Some(d.to_string()))
            }
            None => (s, None),
        };
        // A tag is after the last ':' that follows the last '/' (a port comes before a '/').
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if tag.is_some_and(|t| !is_tag(t)) {
            return Err(ReferenceError::InvalidFormat);
        }
        let (domain, path) = split_domain(name);
        if !domain.split(':').next().is_some_and(is_domain_host) || !is_port_part(&domain) {
            return Err(ReferenceError::InvalidFormat);
        }
        if path.to_lowercase() != path {
            return if path
                .split('/')
                .all(|c| is_path_component(&c.to_lowercase()))
            {
                Err(ReferenceError::Uppercase)
            } else {
                Err(ReferenceError::InvalidFormat)
            };
        }
        if !path.split('/').all(is_path_component) {
            return Err(ReferenceError::InvalidFormat);
        }
        if domain.len() + 1 + path.len() > 255 {
            return Err(ReferenceError::NameTooLong);
        }
        Ok(Reference {
            domain,
            path,
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// The full name: `docker.io/library/busybox`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The repository as `docker images` shows it: `busybox`, `user/app`, `localhost:5000/x`.
    pub fn familiar_name(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            self.path
                .strip_prefix("library/")
                .filter(|p| !p.contains('/'))
                .unwrap_or(&self.path)
                .to_string()
        } else {
            self.name()
        }
    }

    /// As Docker prints it: `busybox:latest`, `user/app:v1`, `x@sha256:…`.
    pub fn familiar(&self) -> String {
        let mut out = self.familiar_name();
        if let Some(tag) = &self.tag {
            out.push(':');
            out.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(digest);
        }
        out
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.familiar())
    }
}

/// docker.io unless the first component looks like a host (has '.' or ':', or is localhost).
fn split_domain(name: &str) -> (String, String) {
    let (domain, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first.to_string(), rest.to_string())
        }
        _ => (DEFAULT_DOMAIN.to_string(), name.to_string()),
    };
    let domain = if domain == "index.docker.io" {
        DEFAULT_DOMAIN.to_string()
    } else {
        domain
    };
    let path = if domain == DEFAULT_DOMAIN && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    (domain, path)
}

fn is_domain_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|c| {
            !c.is_empty()
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !c.starts_with('-')
                && !c.ends_with('-')
        })
}

fn is_port_part(domain: &str) -> bool {
    match domain.split_once(':') {
        None => true,
        Some((_, port)) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`
fn is_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `[\w][\w.-]{0,127}`
fn is_tag(t: &str) -> bool {
    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|&x| word(x) || x == b'.' || x == b'-')
}

fn is_digest(d: &str) -> bool {
    match d.split_once(':') {
        Some(("sha256", hex)) => {
            hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn familiar(s: &str) -> String {
        match Reference::parse(s) {
            Ok(r) => r.familiar(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn normalises_like_docker() {
        assert_eq!(familiar("busybox"), "busybox:latest");
        assert_eq!(
            familiar("docker.io/library/busybox:latest"),
            "busybox:latest"
        );
        assert_eq!(familiar("index.docker.io/busybox"), "busybox:latest");
        assert_eq!(familiar("user/app:v1"), "user/app:v1");
        assert_eq!(familiar("localhost:5000/x:y"), "localhost:5000/x:y");
        assert_eq!(
            familiar("127.0.0.1:5000/student/busybox:V1.0_ok-tag"),
            "127.0.0.1:5000/student/busybox:V1.0_ok-tag"
        );
        let r = Reference::parse("busybox").unwrap();
        assert_eq!(r.name(), "docker.io/library/busybox");
        assert_eq!(Reference::parse_named("busybox").unwrap().tag, None);
    }

    #[test]
    fn refuses_with_dockers_words() {
        let long = format!("127.0.0.1:5000/student/busybox:{}", "a".repeat(129));
        let cases = [
            "127.0.0.1:5000/Student/busybox:v1",
            "127.0.0.1:5000/student/busybox:bad:tag",
            "127.0.0.1:5000/student/busybox:-leadingdash",
            long.as_str(),
            "student/busy box",
            "",
            "a//b",
            "busybox@sha256:abc",
        ];
        let out: Vec<String> = cases.iter().map(|c| familiar(c)).collect();
        insta::assert_snapshot!(out.join("\n"), @r#"
error: invalid reference format: repository name must be lowercase
error: invalid reference format
error: invalid reference format
error: invalid reference format
error: invalid reference format
error: invalid reference format
error: invalid reference format
error: invalid reference format
"#);
        assert_eq!(
            familiar(&"a".repeat(128)),
            format!("{}:latest", "a".repeat(128))
        );
    }
}
