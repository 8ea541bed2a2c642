//! Hostile YAML in scenario and waivers files: memory and time proportional
//! to the input, the YAML details of DOMAIN.md section 2 (tabs as separation,
//! control characters, tab indentation, duplicates through aliases), and
//! identical errors grouped for people but all kept for machines.
//!
//! The hostile files are generated here, in a temporary folder; the runs that
//! could exhaust memory run under an address-space cap, so a regression fails
//! instead of taking the machine down.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// The binary under an address-space cap of `cap_kib`, on one worker thread
/// (thread stacks and allocator arenas count against the cap too).
fn capped(cap_kib: u64) -> Command {
    let mut cmd = common::eligo_capped(cap_kib);
    cmd.env("RAYON_NUM_THREADS", "1")
        .env("MALLOC_ARENA_MAX", "2");
    cmd
}

/// Exit code, stdout and stderr of a finished command.
fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The input errors of a `--format json` report: (code, line, column).
fn json_errors(stdout: &str) -> Vec<(String, u64, u64)> {
    let report: Value = serde_json::from_str(stdout).unwrap();
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap_or(0),
                e["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn check_json(path: &Path) -> (i32, Vec<(String, u64, u64)>, String) {
    let (code, out, err) = run(common::eligo()
        .args(["check", "--format", "json"])
        .arg(path));
    (code, json_errors(&out), err)
}

/// Checks `path` and asserts that its one problem is a YAML syntax error at
/// `at` (line, column), exit 2; `what` names the case. Gives stderr.
fn assert_one_syntax_error(path: &Path, at: (u64, u64), what: &str) -> String {
    let (code, errors, err) = check_json(path);
    assert_eq!(code, 2, "{what} {err}");
    assert_eq!(
        errors,
        vec![("eligo::yaml::syntax".to_string(), at.0, at.1)],
        "{what}"
    );
    err
}

// ---- memory ---------------------------------------------------------------

#[test]
fn aliases_of_a_long_string_stop_at_the_byte_bound() {
    // 3,000 aliases of a 64 KiB quoted string: 196 MB of text from a file of
    // 250 KB. Each expansion used to be copied into the store.
    let dir = common::fresh_dir("hostile", "long-string");
    let mut text = format!(
        "partners:\n  - id: p0\n    name: &s \"{}\"\n    region: europe\n    roles: [direct_bill]\n",
        "x".repeat(65_000)
    );
    for p in 1..3_000 {
        text.push_str(&format!(
            "  - {{id: p{p}, name: *s, region: europe, roles: [direct_bill]}}\n"
        ));
    }
    let file = common::write_file(dir.path(), "long-string.yaml", &text);
    let (code, _, err) = run(capped(common::MEMORY_CAP_KIB).arg("check").arg(&file));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("eligo::yaml::alias_limit")
            && err.contains("bytes of text")
            && err.contains("--max-alias-bytes"),
        "{err}"
    );
}

#[test]
fn legitimate_reuse_passes_beyond_the_constant_bound() {
    // 20,000 customers share one `mca` mapping: 160,000 values from aliases,
    // more than the constant 100,000 but fewer than the file has bytes.
    let dir = common::fresh_dir("hostile", "reuse");
    let mut text = String::from(
        "as_of: 2026-11-20\npartners:\n  - id: contoso\n    region: europe\n    roles: [direct_bill]\ncustomers:\n  - id: c0\n    region: europe\n    mca: &m {via: partner_attestation, through: contoso, date: 2026-01-10}\n",
    );
    for c in 1..20_000 {
        text.push_str(&format!("  - id: c{c}\n    region: europe\n    mca: *m\n"));
    }
    let file = common::write_file(dir.path(), "reuse.yaml", &text);
    let (code, errors, err) = check_json(&file);
    assert_ne!(code, 2, "{errors:?} {err}");
    assert!(errors.is_empty(), "{errors:?}");
}

/// A block-style value nested in `depth` sequences, each anchored, around
/// `scalars` scalars (no alias at all).
fn nested_anchors(depth: usize, scalars: usize) -> String {
    let mut text = String::from(
        "partners:\n  - id: p0\n    region: europe\n    roles: [direct_bill]\n    name:\n",
    );
    let mut indent = String::from("    ");
    for level in 0..depth {
        text.push_str(&format!("{indent}- &a{level}\n"));
        indent.push_str("  ");
    }
    for _ in 0..scalars {
        text.push_str(&format!("{indent}- 1\n"));
    }
    text
}

#[test]
fn nested_anchors_are_recorded_once() {
    // 60 nested anchors around 100,000 scalars (13 MB). Every open anchor
    // used to keep its own copy of every event: 60 copies of 100,000 events
    // of 136 bytes, far beyond the cap; one shared recording fits.
    let dir = common::fresh_dir("hostile", "nested");
    let file = common::write_file(dir.path(), "nested.yaml", &nested_anchors(60, 100_000));
    let (code, out, err) = run(capped(512 * 1024)
        .args(["check", "--format", "json", "--max-depth", "100"])
        .arg(&file));
    assert_eq!(code, 2, "{err}");
    // The load ran to its end: the only error is the list where a name goes.
    let errors = json_errors(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "eligo::scenario::wrong_type");
}

#[test]
fn a_long_one_line_flow_mapping_is_not_held_whole() {
    // A name given as one flow mapping of 1.5 million pairs on one line
    // (18 MB). The block fast path queued a line's events before giving the
    // first: 3 million events at once, beyond the cap; saphyr-parser, which
    // gets lines of more than 1,024 entries, gives them one at a time.
    let dir = common::fresh_dir("hostile", "flow-line");
    let pairs: Vec<String> = (0..1_500_000).map(|i| format!("k{i}: v")).collect();
    let text = format!(
        "as_of: 2026-11-20\npartners:\n  - id: p0\n    region: europe\n    roles: [direct_bill]\n    name: {{{}}}\n",
        pairs.join(", ")
    );
    let file = common::write_file(dir.path(), "flow-line.yaml", &text);
    let (code, out, err) = run(capped(256 * 1024)
        .args(["check", "--format", "json"])
        .arg(&file));
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        json_errors(&out),
        vec![("eligo::scenario::wrong_type".to_string(), 6, 11)]
    );
}

#[test]
fn waivers_files_have_the_same_alias_bounds() {
    let dir = common::fresh_dir("hostile", "waivers");
    let mut text = format!(
        "waivers:\n  - rule: transferable-offer\n    subject: s0\n    reason: &r \"{}\"\n    owner: a@b.c\n    expires: 2027-01-01\n",
        "x".repeat(65_000)
    );
    for s in 1..1_000 {
        text.push_str(&format!(
            "  - {{rule: transferable-offer, subject: s{s}, reason: *r, owner: a@b.c, expires: 2027-01-01}}\n"
        ));
    }
    let waivers = common::write_file(dir.path(), "waivers.yaml", &text);
    let (code, _, err) = run(capped(common::MEMORY_CAP_KIB)
        .arg("check")
        .arg("--waivers")
        .arg(&waivers)
        .arg("fixtures/books/clean-book.yaml"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("eligo::waivers::alias_limit"), "{err}");
}

// ---- time -----------------------------------------------------------------

/// A list of partners, each with its own invalid region: as many distinct
/// errors as partners.
fn distinct_errors(partners: usize) -> String {
    let mut text = String::from("partners:\n");
    for p in 0..partners {
        text.push_str(&format!(
            "  - {{id: p{p}, region: r{p}, roles: [direct_bill]}}\n"
        ));
    }
    text
}

fn timed(cmd: &mut Command) -> (Duration, i32, String) {
    let start = Instant::now();
    let (code, _, err) = run(cmd);
    (start.elapsed(), code, err)
}

#[test]
fn many_errors_take_time_linear_in_the_file() {
    // Each error's snippet used to be found by reading the file from its
    // first byte: 8 times the errors took 64 times as long.
    let dir = common::fresh_dir("hostile", "many-errors");
    let small = common::write_file(dir.path(), "small.yaml", &distinct_errors(1_000));
    let large = common::write_file(dir.path(), "large.yaml", &distinct_errors(8_000));
    let (t_small, code, err) = timed(common::eligo().arg("check").arg(&small));
    assert_eq!(code, 2);
    assert_eq!(err.matches("eligo::scenario::invalid_enum").count(), 1_000);
    let (t_large, code, err) = timed(common::eligo().arg("check").arg(&large));
    assert_eq!(code, 2);
    assert_eq!(err.matches("eligo::scenario::invalid_enum").count(), 8_000);
    common::assert_eight_times_the_input_is_linear(t_small, t_large);
}

/// `n` customers, and `n` subscriptions each naming a customer that does
/// not exist: as many unknown ids as there are ids.
fn unknown_ids(n: usize) -> String {
    let mut text = String::from(
        "as_of: 2026-11-20\npartners:\n  - {id: p, region: europe, roles: [direct_bill]}\ncustomers:\n",
    );
    for c in 0..n {
        text.push_str(&format!("  - {{id: customer-{c:06}, region: europe}}\n"));
    }
    text.push_str("subscriptions:\n");
    for s in 0..n {
        text.push_str(&format!(
            "  - {{id: s{s}, customer: xcustomer-{s:06}, partner: p, offer: o365}}\n"
        ));
    }
    text
}

#[test]
fn many_unknown_ids_take_time_linear_in_the_file() {
    // Every unknown id used to be compared with every id for a "did you
    // mean": 8 times the ids took 64 times as long.
    let dir = common::fresh_dir("hostile", "unknown-ids");
    let small = common::write_file(dir.path(), "small.yaml", &unknown_ids(500));
    let large = common::write_file(dir.path(), "large.yaml", &unknown_ids(4_000));
    let json = ["check", "--format", "json"];
    let (t_small, code, _) = timed(common::eligo().args(json).arg(&small));
    assert_eq!(code, 2);
    let (t_large, code, _) = timed(common::eligo().args(json).arg(&large));
    assert_eq!(code, 2);
    common::assert_eight_times_the_input_is_linear(t_small, t_large);
    // The first unknown ids still get their suggestion.
    let (_, _, err) = run(common::eligo().arg("check").arg(&small));
    assert!(err.contains("did you mean `customer-000000`?"), "{err}");
}

#[test]
fn identical_errors_are_grouped_for_people_and_kept_for_machines() {
    let dir = common::fresh_dir("hostile", "grouped");
    let mut text = String::from(
        "as_of: 2026-11-20\npartners:\n  - {id: p, region: europe, roles: [direct_bill]}\ncustomers:\n  - {id: c, region: europe}\nsubscriptions:\n",
    );
    for s in 0..500 {
        text.push_str(&format!(
            "  - id: s{s}\n    customer: c\n    partner: p\n    offr: o365\n"
        ));
    }
    let file = common::write_file(dir.path(), "offr.yaml", &text);
    let (code, _, err) = run(common::eligo().arg("check").arg(&file));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field `offr` in a `subscription` (and 499 more like it)"),
        "{err}"
    );
    assert!(err.contains("missing field `offer` in a `subscription` (and 499 more like it)"));
    // The first of each group is shown where it is.
    assert!(err.contains(&format!("{}:10:5]", file.display())), "{err}");
    assert!(err.contains("1000 input errors"), "{err}");
    let (_, errors, _) = check_json(&file);
    assert_eq!(errors.len(), 1_000);
    let (_, out, _) = run(common::eligo()
        .args(["check", "--format", "github"])
        .arg(&file));
    let unknown = out.lines().filter(|l| l.contains("unknown field `offr`"));
    assert_eq!(unknown.count(), 500);
}

// ---- YAML details ---------------------------------------------------------

const VALID_CUSTOMER: &str = "as_of: 2026-11-20\ncustomers:\n  - id: c1\n    region: europe\n";

#[test]
fn a_tab_after_a_colon_or_before_a_comment_separates() {
    let dir = common::fresh_dir("hostile", "tabs");
    let text = "as_of:\t2026-11-20\t# tab before a comment\ncustomers:\t# here too\n  - id:\tc1\n    region:\t\teurope\n    tenant:\t\"c1.onmicrosoft.com\"\n";
    let file = common::write_file(dir.path(), "tabs.yaml", text);
    let (code, errors, err) = check_json(&file);
    assert_eq!((code, errors.len()), (0, 0), "{errors:?} {err}");
}

#[test]
fn a_tab_used_as_indentation_is_reported_at_its_line() {
    let dir = common::fresh_dir("hostile", "tab-indent");
    for (name, text, at) in [
        (
            "plain",
            "customers:\n  - id: c1\n\tregion: europe\n",
            (3, 1),
        ),
        (
            "quoted",
            "customers:\n  - id: \"c1\"\n  \tregion: europe\n",
            (3, 3),
        ),
        (
            "block",
            "customers:\n  - id: c1\n    tenant: |\n\t  x\n",
            (4, 1),
        ),
    ] {
        let file = common::write_file(dir.path(), &format!("{name}.yaml"), text);
        assert_one_syntax_error(&file, at, name);
    }
}

#[test]
fn control_characters_are_errors_at_their_position() {
    let dir = common::fresh_dir("hostile", "control");
    for (name, bad) in [
        ("c0", "\u{1}"),
        ("esc", "\u{1b}]8;;x\u{7}"),
        ("del", "\u{7f}"),
        ("c1", "\u{9b}"),
        ("nonchar", "\u{ffff}"),
    ] {
        // In a value, and in a comment (which YAML does not show to eligo).
        for (place, text, at) in [
            (
                "value",
                format!("{VALID_CUSTOMER}    tenant: x{bad}y\n"),
                (5, 14),
            ),
            ("comment", format!("{VALID_CUSTOMER}# note {bad}\n"), (5, 8)),
        ] {
            let file = common::write_file(dir.path(), &format!("{name}-{place}.yaml"), &text);
            let err = assert_one_syntax_error(&file, at, &format!("{name} in a {place}"));
            let (_, _, human) = run(common::eligo().arg("check").arg(&file));
            assert!(human.contains("control character U+"), "{human}");
            assert!(!human.contains(bad) && !err.contains(bad), "{human}");
        }
    }
}

/// A large file is parsed on a second thread, which looks for control
/// characters only once it has sent its events: the outcome must still be
/// the one error, at its place, whatever the events before it held.
#[test]
fn a_control_character_late_in_a_large_file_is_its_only_error() {
    let dir = common::fresh_dir("hostile", "control-large");
    // 30,000 customers (over 1 MiB), each with an unknown field, and the
    // character in the last one; in block YAML and in JSON.
    let count = 30_000;
    let mut yaml = String::from("as_of: 2026-11-20\ncustomers:\n");
    let mut json = String::from("{\"as_of\": \"2026-11-20\", \"customers\": [\n");
    for n in 0..count {
        let bad = if n + 1 == count { "\u{7f}" } else { "" };
        yaml.push_str(&format!(
            "  - id: c{n}\n    region: europe\n    bogus: x{bad}y\n"
        ));
        let comma = if n + 1 == count { "" } else { "," };
        json.push_str(&format!(
            "  {{\"id\": \"c{n}\", \"region\": \"europe\", \"bogus\": \"x{bad}y\"}}{comma}\n"
        ));
    }
    json.push_str("]}\n");
    assert!(yaml.len() > 1 << 20 && json.len() > 1 << 20);
    for (name, text) in [("large.yaml", yaml), ("large.json", json)] {
        let before = text.split('\u{7f}').next().unwrap_or_default();
        let line = before.lines().count() as u64;
        let column = before.lines().last().unwrap_or_default().len() as u64 + 1;
        let at = (line, column);
        let file = common::write_file(dir.path(), name, &text);
        assert_one_syntax_error(&file, at, name);
    }
}

#[test]
fn a_duplicate_through_an_alias_is_reported_at_the_alias() {
    let dir = common::fresh_dir("hostile", "alias-duplicates");
    let id = "customers:\n  - &c\n    id: c1\n    region: europe\n  - *c\n";
    let file = common::write_file(dir.path(), "id.yaml", id);
    let (_, errors, _) = check_json(&file);
    assert_eq!(
        errors,
        vec![("eligo::scenario::duplicate_id".to_string(), 5, 5)]
    );
    let (_, _, human) = run(common::eligo().arg("check").arg(&file));
    assert!(human.contains("id.yaml:5:5]"), "{human}");
    let key = "customers:\n  - &k id: c1\n    region: europe\n  - id: c2\n    *k : c3\n    region: europe\n";
    let file = common::write_file(dir.path(), "key.yaml", key);
    let (_, errors, _) = check_json(&file);
    assert_eq!(
        errors,
        vec![("eligo::scenario::duplicate_key".to_string(), 5, 5)]
    );
}
