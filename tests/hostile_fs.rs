//! Hostile trees and hostile values: what a pull request can put on disk or in
//! a scenario must never be read from outside the tree, hang, exhaust memory,
//! crash the renderer, or turn the output against its reader.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use common::{eligo, eligo_capped, MEMORY_CAP_KIB};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// A fresh folder under the system's temporary folder, removed on drop.
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = common::scratch(name);
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

const FORMATS: [&str; 5] = ["human", "json", "sarif", "junit", "github"];

/// A small valid scenario with one warning finding (on `contoso`).
fn book() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("fixtures/rules/direct-bill-revenue/fires.yaml")).unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `cmd` for at most two minutes: its exit code and all it printed.
fn run(cmd: &mut Command) -> (Option<i32>, String) {
    let out = cmd.timeout(Duration::from_secs(120)).output().unwrap();
    (out.status.code(), text(&out))
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

// ---- reading outside the tree, devices, FIFOs, loops -------------------------

#[test]
fn a_symlink_out_of_the_tree_is_never_read() {
    let tmp = TempDir::new("outside");
    tmp.write("outside/secret.yaml", "token: S3CRET-TOKEN-VALUE\n");
    tmp.write("books/ok.yaml", book());
    symlink(
        tmp.path().join("outside/secret.yaml"),
        tmp.path().join("books/x.yaml"),
    )
    .unwrap();
    symlink("/proc/self/environ", tmp.path().join("books/env.yaml")).unwrap();
    symlink("/etc/passwd", tmp.path().join("books/passwd.yaml")).unwrap();
    for format in FORMATS {
        // Not followed by default: a warning names each link, nothing is read.
        let (code, all) = run(eligo()
            .env("ELIGO_TEST_SECRET", "ENV-SECRET-VALUE")
            .args(["check", "--format", format])
            .arg(tmp.path().join("books")));
        assert_eq!(code, Some(0), "{all}");
        for secret in ["S3CRET-TOKEN-VALUE", "ENV-SECRET-VALUE", "root:"] {
            assert!(!all.contains(secret), "{format}: {all}");
        }
        assert!(all.contains("warning: skipped symbolic link"), "{all}");
        // Followed on request, a link leaving the folder is an input error.
        let (code, all) = run(eligo()
            .env("ELIGO_TEST_SECRET", "ENV-SECRET-VALUE")
            .args(["check", "--follow-symlinks", "--format", format])
            .arg(tmp.path().join("books")));
        assert_eq!(code, Some(2), "{all}");
        for secret in ["S3CRET-TOKEN-VALUE", "ENV-SECRET-VALUE", "root:"] {
            assert!(!all.contains(secret), "{format}: {all}");
        }
        assert!(all.contains("leaves the folder given"), "{all}");
    }
}

#[test]
fn a_symlink_to_a_device_is_not_read() {
    let tmp = TempDir::new("zero-link");
    tmp.write("books/ok.yaml", book());
    symlink("/dev/zero", tmp.path().join("books/zero.yaml")).unwrap();
    for follow in [false, true] {
        let mut cmd = eligo_capped(MEMORY_CAP_KIB);
        cmd.arg("check");
        if follow {
            cmd.arg("--follow-symlinks");
        }
        let (code, all) = run(cmd.arg(tmp.path().join("books")));
        assert_eq!(code, Some(if follow { 2 } else { 0 }), "{all}");
    }
}

#[test]
fn a_fifo_in_a_folder_is_refused_without_waiting() {
    let tmp = TempDir::new("fifo");
    tmp.write("books/ok.yaml", book());
    mkfifo(&tmp.path().join("books/pipe.yaml"));
    let (code, all) = run(eligo().arg("check").arg(tmp.path().join("books")));
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("is not a regular file"), "{all}");
}

#[test]
fn symlink_loops_visit_each_file_once() {
    let tmp = TempDir::new("loops");
    tmp.write("books/ok.yaml", book());
    symlink(".", tmp.path().join("books/a")).unwrap();
    symlink(".", tmp.path().join("books/b")).unwrap();
    symlink("ok.yaml", tmp.path().join("books/same.yaml")).unwrap();
    let (code, all) = run(eligo()
        .args(["check", "--follow-symlinks"])
        .arg(tmp.path().join("books")));
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("checked 1 file:"), "{all}");
}

#[test]
fn explicit_devices_and_pipes_are_read_within_the_bound() {
    // The default bound (1 GiB) under the memory cap: the read stops there.
    let (code, all) = run(eligo_capped(MEMORY_CAP_KIB).args(["check", "/dev/zero"]));
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("eligo::scenario::size_limit"), "{all}");
    assert!(
        all.contains("larger than the limit of 1073741824 bytes"),
        "{all}"
    );
    let (code, all) = run(eligo_capped(MEMORY_CAP_KIB)
        .args([
            "check",
            "--waivers",
            "/dev/zero",
            "--max-file-bytes",
            "100000",
        ])
        .arg("fixtures/books/clean-book.yaml"));
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("eligo::waivers::size_limit"), "{all}");
    let (code, all) = run(eligo_capped(MEMORY_CAP_KIB).args([
        "check",
        "--rules",
        "/dev/zero",
        "fixtures/books/clean-book.yaml",
    ]));
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("more than the limit"), "{all}");
}

#[test]
fn a_hostile_eligoignore_is_not_read() {
    let tmp = TempDir::new("ignore-link");
    tmp.write("books/ok.yaml", book());
    symlink("/dev/zero", tmp.path().join("books/.eligoignore")).unwrap();
    let (code, all) = run(eligo_capped(MEMORY_CAP_KIB)
        .args(["check", "--follow-symlinks"])
        .arg(tmp.path().join("books")));
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("ignored"), "{all}");
    let tmp = TempDir::new("ignore-fifo");
    tmp.write("books/ok.yaml", book());
    mkfifo(&tmp.path().join("books/.eligoignore"));
    let (code, all) = run(eligo().arg("check").arg(tmp.path().join("books")));
    assert_eq!(code, Some(0), "{all}");
}

// ---- .eligoignore -------------------------------------------------------------

#[test]
fn eligoignore_has_gitignore_semantics() {
    let tmp = TempDir::new("ignore-syntax");
    let broken = "partners: [\n";
    tmp.write("books/ok.yaml", book());
    tmp.write("books/deep/a/b/wip.yaml", broken);
    tmp.write("books/drafts/x.yaml", broken);
    tmp.write("books/drafts/keep.yaml", book());
    tmp.write("books/n/old.tmp.yaml", broken);
    tmp.write(
        "books/.eligoignore",
        "# comments\ndeep/**/wip.yaml\ndrafts/*\n!drafts/keep.yaml\n*.tmp.yaml\n",
    );
    let (code, all) = run(eligo()
        .args(["check", "--format", "json"])
        .arg(tmp.path().join("books")));
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("drafts/keep.yaml"), "{all}");
    assert!(all.contains("\"files\": 2"), "{all}");
}

#[test]
fn backtracking_ignore_patterns_end_at_once() {
    let tmp = TempDir::new("ignore-stars");
    tmp.write("books/ok.yaml", book());
    tmp.write(&format!("books/{}.yaml", "a".repeat(200)), book());
    tmp.write(
        "books/.eligoignore",
        format!("*a*a*a*a*a*a*b\n{}b\n", "*a".repeat(13)),
    );
    let (code, all) = run(eligo().arg("check").arg(tmp.path().join("books")));
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("checked 2 files"), "{all}");
}

#[test]
fn the_bundled_eligoignore_still_skips_the_broken_fixtures() {
    let out = eligo()
        .args(["check", "--format", "json", "fixtures/"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    for folder in [
        "fixtures/invalid/",
        "fixtures/bad-rules/",
        "fixtures/waivers/",
    ] {
        assert!(!stdout.contains(folder), "{folder} was checked");
    }
}

// ---- miette past column 65,535 ------------------------------------------------

#[test]
fn a_diagnostic_past_column_65535_renders_in_every_format() {
    let tmp = TempDir::new("long-line");
    let line = format!(
        "partners: [{{id: p, name: \"{}\", nmae: 1}}]\n",
        "x".repeat(70_000)
    );
    let path = tmp.write("long.yaml", line);
    for format in FORMATS {
        let out = eligo()
            .args(["check", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        let all = text(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{format}: {}",
            &all[..all.len().min(2000)]
        );
        assert!(
            out.stderr.len() < 20_000 || format == "github",
            "{format}: {}",
            out.stderr.len()
        );
    }
}

// ---- output that cannot be turned against its reader ----------------------------

/// `book()` with the partner `contoso` renamed to a hostile id: terminal
/// sequences, a workflow command after a carriage return, a bidi override,
/// the XML noncharacters and a C0 control.
fn hostile_book() -> String {
    let id = r#""c\e[2J\e]8;;http://x\a\r::warning file=README.md,line=1::INJECTED\u202E\uFFFE\uFFFF\x01""#;
    book().replace(": contoso\n", &format!(": {id}\n"))
}

/// Text sinks show no control character raw; JSON (data for programs) keeps
/// every value exact, with JSON's own escapes for the controls.
fn assert_no_raw_controls(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let json = what.starts_with("json stdout") || what.starts_with("sarif stdout");
    let all = [
        '\r', '\u{1b}', '\u{7}', '\u{1}', '\u{202e}', '\u{fffe}', '\u{ffff}',
    ];
    for c in all.into_iter().take(if json { 4 } else { 7 }) {
        assert!(!text.contains(c), "{what}: raw {:?} in {text}", c);
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::warning file=README.md"),
            "{what}: {line}"
        );
    }
}

#[test]
fn user_strings_are_escaped_in_every_sink() {
    let tmp = TempDir::new("escape");
    let finding = tmp.write("finding.yaml", hostile_book());
    let key = r#""k\r::warning file=README.md,line=1::INJECTED\r\e[2J\uFFFE": 1"#;
    let error = tmp.write(
        "error.yaml",
        book().replace(
            "  - id: fabrikam\n",
            &format!("  - id: fabrikam\n    {key}\n"),
        ),
    );
    for format in FORMATS {
        for path in [&finding, &error] {
            let out = eligo()
                .args(["check", "--deny-warnings", "--format", format])
                .arg(path)
                .output()
                .unwrap();
            assert!(matches!(out.status.code(), Some(1 | 2)), "{}", text(&out));
            assert_no_raw_controls(&format!("{format} stdout"), &out.stdout);
            assert_no_raw_controls(&format!("{format} stderr"), &out.stderr);
            let all = text(&out);
            assert!(
                all.contains("\\e[2J") || all.contains("\\u001b[2J"),
                "{format}: {all}"
            );
        }
    }
    // JUnit keeps to the characters XML allows, with visible escapes.
    let out = eligo()
        .args(["check", "--deny-warnings", "--format", "junit"])
        .arg(&finding)
        .output()
        .unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.contains("\\u{fffe}\\u{ffff}\\u{1}"), "{xml}");
}

#[test]
fn one_long_value_does_not_multiply_the_output() {
    let tmp = TempDir::new("long-value");
    let long = "y".repeat(5_000_000);
    let path = tmp.write(
        "long.yaml",
        book().replace(
            "    quantity: 25\ntransfers",
            &format!("    quantity: {long}\ntransfers"),
        ),
    );
    for format in FORMATS {
        let out = eligo_capped(MEMORY_CAP_KIB)
            .args([
                "check",
                "--max-string-bytes",
                "10000000",
                "--format",
                format,
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        // Text goes to people: cut. JSON and SARIF are data for programs and
        // keep the value whole, once.
        assert!(
            out.stderr.len() < 100_000,
            "{format}: {} bytes",
            out.stderr.len()
        );
        // JSON names an invalid file's errors twice (in the top-level
        // `errors` and in the file's entry): still a constant factor.
        let bound = if format == "json" {
            10_200_000
        } else if format == "sarif" {
            5_100_000
        } else {
            100_000
        };
        assert!(
            out.stdout.len() < bound,
            "{format}: {} bytes",
            out.stdout.len()
        );
        let all = String::from_utf8_lossy(&out.stderr);
        let all = if format == "github" {
            String::from_utf8_lossy(&out.stdout)
        } else {
            all
        };
        assert!(all.contains("bytes)…"), "{format}: {all}");
        assert!(all.contains("expected an integer"), "{format}: {all}");
    }
}

// ---- no silent pass -------------------------------------------------------------

#[test]
fn a_run_without_rules_is_an_input_error() {
    let (code, all) = run(eligo()
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "rules/schema.rules",
        ])
        .arg("fixtures/books/clean-book.yaml"));
    assert_eq!(code, Some(2));
    assert!(all.contains("no rules loaded"), "{all}");
}

#[test]
fn a_null_collection_is_an_input_error() {
    let tmp = TempDir::new("null-collection");
    let path = tmp.write("null.yaml", "partners:\nsubscriptions: []\n");
    let (code, all) = run(eligo().arg("check").arg(&path));
    assert_eq!(code, Some(2));
    assert!(
        all.contains("the collection `partners` has no value"),
        "{all}"
    );
}

#[test]
fn an_unsupported_yaml_version_is_an_input_error() {
    let tmp = TempDir::new("yaml-version");
    let path = tmp.write("v2.yaml", "%YAML 2.0\n---\nsubscriptions: []\n");
    let (code, all) = run(eligo().arg("check").arg(&path));
    assert_eq!(code, Some(2));
    assert!(all.contains("unsupported YAML version `2.0`"), "{all}");
    let ok = tmp.write("v12.yaml", "%YAML 1.2\n---\nsubscriptions: []\n");
    eligo().arg("check").arg(&ok).assert().code(0);
}

// ---- right lines ------------------------------------------------------------------

#[test]
fn a_cr_only_file_shows_the_reported_lines() {
    let tmp = TempDir::new("cr-only");
    let path = tmp.write("cr.yaml", book().replace('\n', "\r"));
    let out = eligo().arg("check").arg(&path).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\r'), "{stdout:?}");
    // The header's line is the line the label's gutter shows.
    let header = stdout.find("cr.yaml:").expect("a snippet");
    let rest = &stdout[header + "cr.yaml:".len()..];
    let line: usize = rest.split(':').next().unwrap().parse().unwrap();
    assert_eq!(line, 6, "{stdout}");
    assert!(stdout.contains("\n 6 │   - id: contoso"), "{stdout}");
}

#[test]
fn max_depth_is_bounded_by_the_parser() {
    let (code, all) = run(eligo().args([
        "check",
        "--max-depth",
        "100000000",
        "fixtures/books/clean-book.yaml",
    ]));
    assert_eq!(code, Some(2));
    assert!(all.contains("from 1 to 255"), "{all}");
    eligo()
        .args([
            "check",
            "--max-depth",
            "255",
            "fixtures/books/clean-book.yaml",
        ])
        .assert()
        .code(0);
}

#[test]
fn a_rule_id_past_column_65535_lists_and_reports() {
    let tmp = TempDir::new("long-rule-id");
    let rules = tmp.write(
        "long.rules",
        format!(
            "rule {}: warning \"s\"\n  for p in partners\n  require false\n  else p: \"{{p.id}}\"\n",
            "r".repeat(70_000)
        ),
    );
    let out = eligo()
        .arg("rules")
        .arg("--rules")
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.len() < 20_000, "{}", out.stdout.len());
    for format in FORMATS {
        let (code, all) = run(eligo()
            .args(["check", "--format", format, "--rules"])
            .arg(&rules)
            .arg("fixtures/books/clean-book.yaml"));
        assert_eq!(code, Some(0), "{format}: {}", &all[..2000]);
    }
    let (code, all) = run(eligo()
        .args(["test", "--coverage", "--rules"])
        .arg(&rules)
        .arg("fixtures/books/clean-book.yaml"));
    assert_ne!(code, Some(101), "{all}");
}

// ---- the everyday formats: concise lines and places to edit ---------------------

/// An id with a screen clear, a hyperlink, a bell, a workflow command after a
/// carriage return and a bidi override, as a quoted YAML scalar.
const HOSTILE_ID: &str =
    r#""p\e[2J\e]8;;http://x\a\r::warning file=README.md,line=1::INJECTED\u202E""#;

/// The subscription whose place to edit (its transfer item) is far from its
/// entry: the place gets a `☞ edit here` snippet of its own.
fn far_place_book() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("fixtures/books/mixed-book.yaml"))
        .unwrap()
        .replace("nw-azure-plan", HOSTILE_ID)
}

/// The same finding with the transfer item two lines above the entry: the
/// place is a secondary label in the finding's own snippet.
fn near_place_book() -> String {
    let book = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/transferable-offer/fires.yaml"),
    )
    .unwrap();
    let head = book.split("subscriptions:\n").next().unwrap().to_string();
    head + &format!(
        "transfers:
  - id: tr-1
    from: contoso
    to: fabrikam
    customer: adatum
    status: active
    created: 2026-11-02
    items:
      - subscription: {HOSTILE_ID}
subscriptions:
  - id: {HOSTILE_ID}
    name: Azure plan
    customer: adatum
    partner: contoso
    offer: azure_plan
"
    )
}

#[test]
fn a_hostile_id_is_escaped_in_concise_lines_and_places_to_edit() {
    let tmp = TempDir::new("places");
    let far = tmp.write("far.yaml", far_place_book());
    let near = tmp.write("near.yaml", near_place_book());
    for path in [&far, &near] {
        let concise = eligo()
            .args(["check", "--format", "concise"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(concise.status.code(), Some(1), "{}", text(&concise));
        assert_no_raw_controls("concise stdout", &concise.stdout);
        assert_no_raw_controls("concise stderr", &concise.stderr);
        let lines = String::from_utf8(concise.stdout).unwrap();
        let line = lines
            .lines()
            .find(|l| l.contains("error[transferable-offer] p\\e[2J"))
            .unwrap_or_else(|| panic!("{lines}"));
        assert!(
            line.contains(
                r"\e]8;;http://x\u{7}\r::warning file=README.md,line=1::INJECTED\u{202e}"
            ),
            "{line}"
        );

        let human = eligo()
            .args(["check", "--color", "never"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(human.status.code(), Some(1), "{}", text(&human));
        assert_no_raw_controls("human stdout", &human.stdout);
        assert_no_raw_controls("human stderr", &human.stderr);
        let report = String::from_utf8(human.stdout).unwrap();
        let label = r"edit here: item (subscription p\e[2J\e]8;;http://x\u{7}\r::warning";
        assert!(report.contains(label), "{report}");
    }
    // The far place has a snippet of its own; the near one is a label in
    // the finding's snippet.
    let human = |path: &Path| {
        let out = eligo()
            .args(["check", "--color", "never"])
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(human(&far).contains(r"☞ edit here: item (subscription p\e[2J"));
    assert!(!human(&near).contains("☞ edit here: item (subscription p"));
}

/// The transfer item at a column past 65,535 of a flow list, its
/// subscription's entry right below (`gap` 0: a label in the finding's
/// snippet) or ten lines further (a `☞` snippet of its own).
fn long_line_place_book(gap: usize) -> String {
    let book = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/transferable-offer/fires.yaml"),
    )
    .unwrap();
    let head = book.split("subscriptions:\n").next().unwrap().to_string();
    let pad = " ".repeat(70_000);
    head + &format!(
        "transfers: [{{id: tr-1, from: contoso, to: fabrikam, customer: adatum, status: active, \
         created: 2026-11-02, items: [{pad}{{subscription: {HOSTILE_ID}}}]}}]\n{}\
         subscriptions:\n  - id: {HOSTILE_ID}\n    name: Azure plan\n    customer: adatum\n    \
         partner: contoso\n    offer: azure_plan\n",
        "# between\n".repeat(gap)
    )
}

#[test]
fn a_place_past_column_65535_renders_near_and_far() {
    let tmp = TempDir::new("long-place");
    for (name, gap) in [("near.yaml", 0), ("far.yaml", 10)] {
        let path = tmp.write(name, long_line_place_book(gap));
        let out = eligo()
            .args(["check", "--color", "never"])
            .arg(&path)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out));
        assert!(report.len() < 20_000, "{name}: {}", report.len());
        assert_no_raw_controls("human stdout", &out.stdout);
        assert!(
            report.contains(r"edit here: item (subscription p\e[2J"),
            "{name}: {report}"
        );
        // The far place's own snippet keeps the place's real column.
        if gap > 0 {
            assert!(report.contains("far.yaml:39:70117]"), "{report}");
        }
    }
}
