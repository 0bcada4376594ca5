//! Container names: Docker's validity rule and its generated `adjective_surname` names.
use super::error::EngineError;

/// Docker's rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (so at least two characters); a leading `/`
/// is accepted and dropped, as Docker does.
pub fn validate(name: &str) -> Result<String, EngineError> {
    let bare = name.strip_prefix('/').unwrap_or(name);
    let mut chars = bare.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest: Vec<char> = chars.collect();
    let rest_ok = !rest.is_empty()
        && rest
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if first_ok && rest_ok {
        Ok(bare.to_string())
    } else {
        Err(EngineError::InvalidName(name.to_string()))
    }
}

const ADJECTIVES: &[&str] = &[
    "admiring",
    "affectionate",
    "amazing",
    "awesome",
    "blissful",
    "bold",
    "brave",
    "charming",
    "clever",
    "compassionate",
    "competent",
    "confident",
    "cool",
    "dazzling",
    "determined",
    "eager",
    "ecstatic",
    "elegant",
    "epic",
    "exciting",
    "fervent",
    "festive",
    "focused",
    "friendly",
    "funny",
    "gallant",
    "gifted",
    "goofy",
    "gracious",
    "happy",
    "hopeful",
    "jolly",
    "keen",
    "kind",
    "laughing",
    "loving",
    "lucid",
    "magical",
    "modest",
    "nice",
    "nifty",
    "nostalgic",
    "optimistic",
    "peaceful",
    "pensive",
    "practical",
    "quirky",
    "relaxed",
    "serene",
    "sharp",
    "silly",
    "stoic",
    "sweet",
    "tender",
    "trusting",
    "vibrant",
    "vigilant",
    "wizardly",
    "youthful",
    "zealous",
];

const SURNAMES: &[&str] = &[
    "albattani",
    "allen",
    "archimedes",
    "babbage",
    "banach",
    "bardeen",
    "bell",
    "bhabha",
    "booth",
    "brahmagupta",
    "cannon",
    "carson",
    "cerf",
    "curie",
    "darwin",
    "dijkstra",
    "einstein",
    "elion",
    "engelbart",
    "euclid",
    "euler",
    "faraday",
    "fermat",
    "feynman",
    "franklin",
    "galileo",
    "gauss",
    "goldberg",
    "goodall",
    "hamilton",
    "hopper",
    "hypatia",
    "johnson",
    "kepler",
    "knuth",
    "lamport",
    "lovelace",
    "margulis",
    "mayer",
    "mccarthy",
    "meitner",
    "morse",
    "newton",
    "noether",
    "pasteur",
    "perlman",
    "pike",
    "ritchie",
    "shannon",
    "sinoussi",
    "thompson",
    "torvalds",
    "turing",
    "villani",
    "wozniak",
    "yalow",
];

/// A name from the id's bytes: stable for a given id, so deterministic runs repeat it.
pub fn generate(id: &str, taken: impl Fn(&str) -> bool) -> String {
    let bytes = hex::decode(id.get(..16).unwrap_or("0")).unwrap_or_default();
    let n = bytes.iter().fold(0u64, |acc, b| {
        acc.wrapping_mul(256).wrapping_add(u64::from(*b))
    });
    let adjective = ADJECTIVES[(n % ADJECTIVES.len() as u64) as usize];
    let surname = SURNAMES[((n / 97) % SURNAMES.len() as u64) as usize];
    let base = format!("{adjective}_{surname}");
    if !taken(&base) {
        return base;
    }
    (1..)
        .map(|i| format!("{base}{i}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_dockers_rule() {
        assert!(validate("web").is_ok());
        assert!(validate("a1").is_ok());
        assert!(validate("/web").is_ok());
        assert!(validate("w").is_err());
        assert!(validate("_web").is_err());
        assert!(validate("we b").is_err());
        assert!(validate("").is_err());
        assert_eq!(
            validate("x").unwrap_err().to_string(),
            "Error response from daemon: Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
        );
    }

    #[test]
    fn generated_names_are_stable_and_unique() {
        let a = generate("0123456789abcdef0123", |_| false);
        assert_eq!(a, generate("0123456789abcdef0123", |_| false));
        let b = generate("0123456789abcdef0123", |n| n == a);
        assert_ne!(a, b);
        assert!(validate(&b).is_ok());
    }
}
