//! Many files at once: 200 scenarios generated from the bundled books, checked
//! through the binary on every core and on one, must give byte-identical reports
//! with the right counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;

use serde_json::Value;
use std::path::{Path, PathBuf};

const COPIES: usize = 40;

fn books() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/books");
    let mut books: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    books.sort();
    books
}

/// Writes `COPIES` variants of every book (5 × 40 = 200 files) in nested
/// folders, each with its own file name and scenario name.
fn generate(root: &Path) -> usize {
    let mut written = 0;
    for book in books() {
        let text = std::fs::read_to_string(&book).unwrap();
        let stem = book.file_stem().unwrap().to_str().unwrap().to_string();
        for i in 0..COPIES {
            let dir = root
                .join(format!("wave-{}", i % 4))
                .join(format!("batch-{}", i % 3));
            std::fs::create_dir_all(&dir).unwrap();
            let renamed = text.replacen("scenario: ", &format!("scenario: copy-{i}-"), 1);
            assert_ne!(renamed, text, "{stem} has a scenario name");
            std::fs::write(dir.join(format!("{stem}-{i:03}.yaml")), renamed).unwrap();
            written += 1;
        }
    }
    written
}

/// The paths of the files of a JSON report, in report order.
fn report_paths(json: &Value) -> Vec<&str> {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

fn run(args: &[&str], threads: Option<&str>) -> (i32, Vec<u8>, Vec<u8>) {
    let mut cmd = eligo();
    cmd.arg("check").args(args);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap(), out.stdout, out.stderr)
}

#[test]
fn two_hundred_files_are_deterministic_and_counted_right() {
    let tmp = common::scratch("batch");
    let root = tmp.path();
    assert_eq!(generate(root), 200);
    let dir = root.to_str().unwrap();

    // Expected counts: each book once, times the number of copies.
    let (_, one, _) = run(&["--format", "json", "fixtures/books"], None);
    let one: Value = serde_json::from_slice(&one).unwrap();
    let errors = one["summary"]["errors"].as_u64().unwrap() as usize * COPIES;
    let warnings = one["summary"]["warnings"].as_u64().unwrap() as usize * COPIES;
    assert!(errors > 0 && warnings > 0);

    let (code, first, stderr) = run(&["--format", "json", dir], None);
    assert_eq!(code, 1);
    assert!(
        stderr.is_empty(),
        "no progress bar off a terminal: {}",
        String::from_utf8_lossy(&stderr)
    );
    let (_, second, _) = run(&["--format", "json", dir], None);
    assert!(first == second, "two runs differ");
    let (_, single, _) = run(&["--format", "json", dir], Some("1"));
    assert!(first == single, "one thread and many differ");

    let json: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(json["summary"]["files"], 200);
    assert_eq!(json["summary"]["errors"], errors);
    assert_eq!(json["summary"]["warnings"], warnings);
    let paths = report_paths(&json);
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files are reported in path order");

    // Every format renders the same collected run; the human one, the most
    // elaborate, is compared across thread counts too.
    let (_, human, _) = run(&[dir], None);
    let (_, human_single, _) = run(&[dir], Some("1"));
    assert!(human == human_single, "human report differs between runs");
    let human = String::from_utf8(human).unwrap();
    assert!(
        human.ends_with(&format!(
            "checked 200 files: {errors} errors, {warnings} warnings, 0 waived, 0 invalid\n"
        )),
        "{}",
        human.lines().last().unwrap_or("")
    );
    tmp.close().unwrap();
}

#[test]
fn several_paths_files_and_folders_are_checked_together() {
    let (code, out, _) = run(
        &[
            "--format",
            "json",
            "fixtures/books/clean-book.yaml",
            "fixtures/rules/extension-no-dap",
            "fixtures/books/mixed-book.yaml",
        ],
        None,
    );
    assert_eq!(code, 1);
    let json: Value = serde_json::from_slice(&out).unwrap();
    let paths = report_paths(&json);
    assert_eq!(
        paths,
        [
            "fixtures/books/clean-book.yaml",
            "fixtures/rules/extension-no-dap/fires.yaml",
            "fixtures/rules/extension-no-dap/near-miss.yaml",
            "fixtures/books/mixed-book.yaml"
        ],
        "in the order given, folders in sorted order"
    );
}

#[test]
fn eligo_test_gives_the_same_output_on_one_thread_and_many() {
    let test = |threads: &str, format: &str| {
        let out = eligo()
            .args(["test", "--coverage", "--format", format, "fixtures/"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    for format in ["human", "json"] {
        let single = test("1", format);
        assert_eq!(single, test("4", format), "{format}");
        assert!(single.contains("63"), "{single}");
    }
}
