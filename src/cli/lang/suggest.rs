//! "Did you mean": the closest candidate by edit distance, when it is close enough to help.

/// Optimal string alignment distance: Levenshtein plus swaps of neighbours, since the common
/// typo (`conatiner`) is a swap and should count as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate within a distance that still looks like the same word: 1 for short
/// words, 2 from five characters on. On a tie a candidate that merely adds letters wins (`rn`
/// is `run` with a letter dropped rather than `rm` mistyped), then the first. Absurdly long input is
/// not compared (it cannot be a typo of a command name, and the cost is quadratic).
pub fn did_you_mean<'a>(
    typed: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = typed.chars().count();
    if len == 0 || len > 64 {
        return None;
    }
    let limit = if len >= 5 { 2 } else { 1 };
    let mut best: Option<((usize, bool), &str)> = None;
    for c in candidates {
        if c == typed {
            continue;
        }
        let d = edit_distance(typed, c);
        let key = (d, !is_subsequence(typed, c));
        if d <= limit && best.is_none_or(|(best_key, _)| key < best_key) {
            best = Some((key, c));
        }
    }
    best.map(|(_, c)| c)
}

fn is_subsequence(short: &str, long: &str) -> bool {
    let mut long = long.chars();
    short.chars().all(|c| long.any(|l| l == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("rn", "run"), 1);
        assert_eq!(edit_distance("conatiner", "container"), 1);
        assert_eq!(edit_distance("--nmae", "--name"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions() {
        let cmds = ["run", "rm", "rmi", "ps", "container"];
        assert_eq!(did_you_mean("rn", cmds), Some("run"));
        assert_eq!(did_you_mean("rmm", cmds), Some("rm"));
        assert_eq!(did_you_mean("conatiner", cmds), Some("container"));
        assert_eq!(did_you_mean("xyz", cmds), None);
        assert_eq!(did_you_mean("ps", cmds), None);
    }
}
