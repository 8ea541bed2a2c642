//! The same inputs give byte-identical output, whatever the order in which the
//! files were written to disk and whatever each process's hash seeds are.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn books() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/books");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Copies the books into `root/books/{even,odd}` (by their sorted index), writing
/// them in the order given.
fn lay_out<'a>(root: &Path, files: impl Iterator<Item = (usize, &'a PathBuf)>) {
    for (i, file) in files {
        let folder = root
            .join("books")
            .join(if i % 2 == 0 { "even" } else { "odd" });
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(file, folder.join(file.file_name().unwrap())).unwrap();
    }
}

fn report(root: &Path, format: &str) -> Vec<u8> {
    let out = Command::cargo_bin("eligo")
        .unwrap()
        .current_dir(root)
        .env("NO_COLOR", "1")
        .args(["check", "--format", format, "books"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    out.stdout
}

#[test]
fn output_does_not_depend_on_file_creation_order() {
    let tmp = common::scratch("determinism");
    let base = tmp.path();
    let (forward, backward) = (base.join("forward"), base.join("backward"));
    let files = books();
    lay_out(&forward, files.iter().enumerate());
    lay_out(&backward, files.iter().enumerate().rev());
    for format in ["json", "human"] {
        let a = report(&forward, format);
        let b = report(&backward, format);
        assert!(!a.is_empty());
        assert_eq!(
            String::from_utf8(a).unwrap(),
            String::from_utf8(b).unwrap(),
            "format {format}"
        );
    }
    tmp.close().unwrap();
}
