//! What a replay on the real kernel may not reproduce, and how it is compared anyway: the
//! busybox base image is built from the host there (its IDs are the host's, not the
//! simulator's), `top` lists host pids and start times, and timings and memory figures vary.
//! Both sides are redacted the same way before comparing; everything else must match.
use super::diff::{Redaction, VOLATILE, redact};

/// Latencies such as `took 0.3 ms` (VOLATILE's rule takes whole numbers only).
const DECIMAL_MS: Redaction = Redaction {
    before: "",
    decimal: true,
    after: &[" ms", "ms"],
    replacement: "<ms>",
};
use crate::store::{Store, chain_id};

/// The placeholder for an id of the base image, on either side.
pub const BASE_ID: &str = "<busybox-id>";

/// The simulator's busybox: image id, diff ids and chain ids (what transcripts show).
pub fn sim_base_ids() -> Vec<String> {
    let Some(img) = crate::image::builtin::builtin_images()
        .iter()
        .find(|i| i.tags.contains(&"busybox:latest"))
    else {
        return Vec::new();
    };
    let mut ids = vec![img.id()];
    let mut parent: Option<String> = None;
    for d in &img.diff_ids {
        let c = chain_id(parent.as_deref(), d);
        ids.push(d.clone());
        ids.push(c.clone());
        parent = Some(c);
    }
    ids
}

/// The same ids of `busybox:latest` in `store` (on the kernel: the host-built image).
pub fn store_base_ids(store: &Store) -> Vec<String> {
    let Some(id) = store.resolve_image("busybox:latest") else {
        return Vec::new();
    };
    let mut ids = vec![id.clone()];
    if let Ok(config) = store.image_config(&id) {
        ids.extend(config.diff_ids().iter().cloned());
        ids.extend(store.image_chain_ids(&config));
    }
    ids
}

/// `text` with the given base-image ids (full, bare hex and 12-character short forms)
/// replaced by BASE_ID, `top` rows' PID, PPID and STIME columns replaced, VOLATILE values
/// and decimal latencies redacted, and runs of spaces made one (a redacted value's width
/// moves the columns around it).
pub fn redact_kernel(text: &str, base_ids: &[String]) -> String {
    let mut out = text.to_string();
    for id in base_ids {
        let hex = id.strip_prefix("sha256:").unwrap_or(id);
        if hex.len() < 12 {
            continue;
        }
        out = out
            .replace(&format!("sha256:{hex}"), BASE_ID)
            .replace(hex, BASE_ID)
            .replace(&hex[..12], BASE_ID);
    }
    let redacted = redact(
        &redact(&redact_top_rows(&out), VOLATILE),
        std::slice::from_ref(&DECIMAL_MS),
    );
    redacted
        .split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches('\n');
            let mut squeezed = body
                .split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if body.starts_with(' ') {
                squeezed.insert(0, ' ');
            }
            squeezed + &line[body.len()..]
        })
        .collect()
}

/// Rows under a `top` header (UID PID PPID C STIME TTY TIME CMD) until a blank line: the
/// pids and the start time are the host's.
fn redact_top_rows(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_table = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let fields: Vec<&str> = body.split_whitespace().collect();
        if fields.starts_with(&["UID", "PID", "PPID", "C", "STIME"]) {
            in_table = true;
        } else if body.trim().is_empty() || body.starts_with("$ ") {
            in_table = false;
        } else if in_table && fields.len() >= 8 {
            let mut f: Vec<&str> = fields.clone();
            f[1] = "<pid>";
            f[2] = "<pid>";
            f[4] = "<stime>";
            out.push_str(&f.join(" "));
            out.push_str(&line[body.len()..]);
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_rows_lose_host_pids_and_start_times_only() {
        let text = "$ top tp\nUID   PID   PPID  C  STIME  TTY  TIME      CMD\n\
                    root  1492  1491  0  14:03  ?    00:00:00  sleep 100000\n\n$ ps\n1 2 3 4 5 6 7 8\n";
        assert_eq!(
            redact_top_rows(text),
            "$ top tp\nUID   PID   PPID  C  STIME  TTY  TIME      CMD\n\
             root <pid> <pid> 0 <stime> ? 00:00:00 sleep 100000\n\n$ ps\n1 2 3 4 5 6 7 8\n"
        );
    }

    #[test]
    fn base_ids_are_redacted_in_every_form() {
        let hex = "0907f8fb3e13aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_string();
        let text = format!("sha256:{hex}\n{hex}\nD /home  0907f8fb3e13  whiteout\n12 ms 1.5MiB\n");
        assert_eq!(
            redact_kernel("took 0.3 ms\n  a   b\n", &[]),
            "took <ms>\n a b\n"
        );
        assert_eq!(
            redact_kernel(&text, &[format!("sha256:{hex}")]),
            "<busybox-id>\n<busybox-id>\nD /home <busybox-id> whiteout\n<ms> <mem>\n"
        );
    }

    #[test]
    fn the_simulators_base_ids_are_known() {
        let ids = sim_base_ids();
        assert!(ids.len() >= 3, "{ids:?}");
        assert!(ids.iter().all(|i| i.starts_with("sha256:")), "{ids:?}");
    }
}
