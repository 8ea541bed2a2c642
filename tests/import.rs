//! `eligo import` and `eligo reconcile`, run through the binary on the bundled
//! Partner Center exports (`fixtures/import/`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::eligo;
use std::path::{Path, PathBuf};

const MAP: &str = "fixtures/import/tailspin.map.yaml";
const OVERLAY: &str = "fixtures/import/overlay.yaml";
const TAILSPIN: &str = "fixtures/import/tailspin";
const WIDE_WORLD: &str = "fixtures/import/wide-world";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = eligo().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn import_bundled() -> Run {
    import_with_tailspin_at(TAILSPIN)
}

/// The bundled exports imported with their overlay and `overlays` after it.
fn import_bundled_with_overlays(overlays: &[&str]) -> Run {
    import_with(TAILSPIN, overlays)
}

/// The bundled exports imported with Tailspin's export read from `tailspin`
/// (a copy of it, changed by a test).
fn import_with_tailspin_at(tailspin: &str) -> Run {
    import_with(tailspin, &[])
}

/// The bundled exports imported with Tailspin's export read from
/// `tailspin`, and the bundled overlay and `overlays` after it.
fn import_with(tailspin: &str, overlays: &[&str]) -> Run {
    let mut args = vec!["import", "--map", MAP, "--overlay", OVERLAY];
    for overlay in overlays {
        args.extend(["--overlay", overlay]);
    }
    args.extend([tailspin, WIDE_WORLD]);
    run(&args)
}

/// Asserts that each of `needles` is in `stderr`, each after the one before.
fn assert_in_order(stderr: &str, needles: &[&str]) {
    let at = |needle: &str| {
        stderr
            .find(needle)
            .unwrap_or_else(|| panic!("{needle}: {stderr}"))
    };
    for pair in needles.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?}: {stderr}");
    }
}

/// Asserts that the copy of Tailspin's export at `tailspin` imports as the
/// bundled one does (its own path aside).
fn assert_imports_as_bundled(tailspin: &str) {
    let copy = import_with_tailspin_at(tailspin);
    assert_eq!(copy.code, 0, "{}", copy.stderr);
    assert_eq!(
        copy.stdout.replace(tailspin, TAILSPIN),
        import_bundled().stdout
    );
}

/// The bundled exports imported with `--output path`.
fn import_bundled_to(path: &Path) -> Run {
    run(&[
        "import",
        "--map",
        MAP,
        "--overlay",
        OVERLAY,
        "--output",
        path.to_str().unwrap(),
        TAILSPIN,
        WIDE_WORLD,
    ])
}

#[test]
fn the_bundled_export_imports_to_a_scenario() {
    let r = import_bundled();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    insta::assert_snapshot!("tailspin_scenario", r.stdout);
}

#[test]
fn the_import_is_deterministic() {
    assert_eq!(import_bundled().stdout, import_bundled().stdout);
}

#[test]
fn every_other_command_accepts_the_imported_scenario() {
    let scenario = import_bundled().stdout;
    let tmp = common::fresh_dir("import", "check");
    let dir = tmp.path();
    let path = dir.join("tailspin.yaml");
    std::fs::write(&path, &scenario).unwrap();
    // The engine loads it: findings, not input errors.
    let out = eligo()
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(
        "tailspin_check",
        report.replace(path.to_str().unwrap(), "tailspin.yaml")
    );
    for args in [
        vec!["test", path.to_str().unwrap()],
        vec![
            "explain",
            "--subject",
            "adatum-corp",
            path.to_str().unwrap(),
        ],
    ] {
        let out = eligo().args(&args).output().unwrap();
        assert_ne!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    tmp.close().unwrap();
}

#[test]
fn output_file_holds_the_same_scenario() {
    let tmp = common::fresh_dir("import", "output");
    let dir = tmp.path();
    let path = dir.join("out.yaml");
    let r = assert_bundled_imported_into(&path, &path);
    assert!(r.stdout.is_empty());
    tmp.close().unwrap();
}

/// Imports the bundled exports with `--output output`, and asserts that it
/// passed and that `written` (the output, or the file it links to) holds
/// what the import writes to standard output.
fn assert_bundled_imported_into(output: &Path, written: &Path) -> Run {
    let r = import_bundled_to(output);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(written).unwrap(),
        import_bundled().stdout
    );
    r
}

#[test]
fn a_failed_import_leaves_the_output_file_as_it_was_and_nothing_beside_it() {
    let tmp = common::fresh_dir("import", "failed-output");
    let dir = tmp.path();
    let path = dir.join("out.yaml");
    std::fs::write(&path, "scenario: the previous import\n").unwrap();
    // Valid exports, but without the overlay the scenario is invalid: the
    // text is written and checked, and the check fails.
    let r = run(&[
        "import",
        "--map",
        MAP,
        "--output",
        path.to_str().unwrap(),
        "fixtures/import/portal-csv",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "scenario: the previous import\n"
    );
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["out.yaml"]);
    tmp.close().unwrap();
}

/// An output that is a symbolic link is written through once the import has
/// passed its check, not replaced: the link stays and its target changes.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_link_is_written_through() {
    let tmp = common::fresh_dir("import", "linked-output");
    let dir = tmp.path();
    let target = dir.join("kept.yaml");
    std::fs::write(&target, "scenario: the previous import\n").unwrap();
    let link = dir.join("out.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert_bundled_imported_into(&link, &target);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    tmp.close().unwrap();
}

/// A scenario the import cannot prove valid on its own (an overlay's
/// `expect` block is left to the loader) is loaded to be checked: with
/// `--output`, the file streamed meanwhile is put in place once that passes,
/// and holds what standard output gets.
#[test]
fn an_output_checked_by_loading_it_is_the_scenario_written() {
    let tmp = common::fresh_dir("import", "loaded-output");
    let dir = tmp.path();
    let expect = dir.join("expect.yaml");
    std::fs::write(&expect, "expect: []\n").unwrap();
    let path = dir.join("out.yaml");
    let overlays = ["--overlay", OVERLAY, "--overlay", expect.to_str().unwrap()];
    let to_stdout = [
        &["import", "--map", MAP][..],
        &overlays,
        &[TAILSPIN, WIDE_WORLD],
    ]
    .concat();
    let to_file = [&to_stdout[..], &["--output", path.to_str().unwrap()]].concat();
    let to_file = run(&to_file);
    assert_eq!(to_file.code, 0, "{}", to_file.stderr);
    let to_stdout = run(&to_stdout);
    assert_eq!(to_stdout.code, 0, "{}", to_stdout.stderr);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.ends_with("expect: []\n"), "{written}");
    assert_eq!(written, to_stdout.stdout);
    tmp.close().unwrap();
}

/// A destination that fails while it is written through is an input error
/// naming it, not a silent success.
#[cfg(target_os = "linux")]
#[test]
fn an_output_that_cannot_be_written_is_an_input_error() {
    let r = import_bundled_to(Path::new("/dev/full"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot write `/dev/full`"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_output_in_a_missing_folder_is_an_input_error_naming_it() {
    let tmp = common::fresh_dir("import", "missing-folder");
    let path = tmp.path().join("nowhere").join("out.yaml");
    let r = import_bundled_to(&path);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
    assert!(r.stderr.contains("out.yaml"), "{}", r.stderr);
    tmp.close().unwrap();
}

#[test]
fn the_portal_csv_exports_import() {
    let r = run(&[
        "import",
        "--map",
        MAP,
        "--overlay",
        "fixtures/import/portal-csv-overlay.yaml",
        "fixtures/import/portal-csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("portal_csv_scenario", r.stdout);
}

#[test]
fn without_an_overlay_what_partner_center_lacks_is_an_input_error() {
    let r = run(&["import", "--map", MAP, "fixtures/import/portal-csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    insta::assert_snapshot!("portal_csv_without_overlay", r.stderr);
}

#[test]
fn bad_exports_are_input_errors_at_their_place() {
    for name in [
        "unknown-offer",
        "unknown-status",
        "broken-json",
        "csv-missing-column",
        "no-customer",
    ] {
        let r = run(&["import", &format!("fixtures/import/bad/{name}")]);
        assert_eq!(r.code, 2, "{name}");
        assert!(r.stdout.is_empty(), "{name}");
        insta::assert_snapshot!(format!("bad_{name}"), r.stderr);
    }
}

#[test]
fn errors_of_several_exports_come_export_by_export() {
    // The folders of all exports are parsed together on every core; the
    // errors must still read as if the exports were read one after another:
    // each export's own files, then its folders, then the next export.
    let bad = |name: &str| format!("fixtures/import/bad/{name}");
    let r = run(&[
        "import",
        "--map",
        MAP,
        &bad("unknown-offer"),
        &bad("no-customer"),
        &bad("broken-json"),
        &bad("unknown-status"),
        WIDE_WORLD,
        &bad("csv-missing-column"),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert_in_order(
        &r.stderr,
        &[
            "is not in the mapping's offer table",
            "names no customer of",
            "is not valid JSON",
            "subscription status `none`",
            "has no column",
            "is in no export's subscriptions",
        ],
    );
    insta::assert_snapshot!("bad_exports_in_order", r.stderr);
}

#[test]
fn an_overlay_entry_that_matches_nothing_is_an_error_with_did_you_mean() {
    let r = import_bundled_with_overlays(&["fixtures/import/bad/overlay-typo.yaml"]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("bad_overlay_typo", r.stderr);
}

#[test]
fn the_shipped_mapping_does_not_know_this_books_legacy_offers() {
    let r = run(&["import", "--overlay", OVERLAY, TAILSPIN, WIDE_WORLD]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(
        "offer `2F707C7C-2433-49A5-A437-9CA7CF40D3EB` is not in the mapping's offer table"
    ));
    assert!(
        r.stderr
            .contains("(`offers:`) in the mapping (`--map FILE`)"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unknown_mapping_key_is_an_error_with_did_you_mean() {
    let tmp = common::fresh_dir("import", "map");
    let dir = tmp.path();
    let path = dir.join("typo.map.yaml");
    let text = std::fs::read_to_string("rules/partner-center.map.yaml").unwrap();
    std::fs::write(&path, text.replacen("list_items:", "list_itemz:", 1)).unwrap();
    let r = run(&["import", "--map", path.to_str().unwrap(), TAILSPIN]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown field `list_itemz`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `list_items`?"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("typo.map.yaml:"), "{}", r.stderr);
    tmp.close().unwrap();
}

/// A mapping path of 200,000 names (a hostile or broken mapping file) is
/// read like any other: tried first, absent, then the next path.
#[test]
fn a_mapping_path_of_any_length_is_tried_without_crashing() {
    let tmp = common::fresh_dir("import", "deep-map");
    let path = tmp.path().join("deep.map.yaml");
    let text = std::fs::read_to_string(MAP).unwrap();
    let deep = "a.".repeat(200_000) + "id";
    let changed = text.replacen(
        "subscription:\n  id: id\n",
        &format!("subscription:\n  id: [\"{deep}\", id]\n"),
        1,
    );
    assert_ne!(changed, text, "the mapping's subscription id path moved");
    std::fs::write(&path, changed).unwrap();
    let r = run(&[
        "import",
        "--map",
        path.to_str().unwrap(),
        "--overlay",
        OVERLAY,
        TAILSPIN,
        WIDE_WORLD,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, import_bundled().stdout);
    tmp.close().unwrap();
}

#[test]
fn files_are_bounded_and_must_be_regular_files_inside_the_export() {
    let r = run(&["import", "--max-file-bytes", "200", TAILSPIN]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is larger than 200 bytes"),
        "{}",
        r.stderr
    );

    let tmp = common::fresh_dir("import", "hostile");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    std::fs::copy(
        format!("{TAILSPIN}/profiles/organization.json"),
        dir.join("profiles/organization.json"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("customers.json")).unwrap();
    let r = run(&["import", dir.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("customers.json` is not a regular file"),
        "{}",
        r.stderr
    );

    std::fs::remove_dir_all(dir.join("customers.json")).unwrap();
    #[cfg(unix)]
    {
        let outside_tmp = common::fresh_dir("import", "outside");
        let outside = outside_tmp.path();
        std::fs::write(outside.join("customers.json"), "[]").unwrap();
        std::os::unix::fs::symlink(outside.join("customers.json"), dir.join("customers.json"))
            .unwrap();
        let r = run(&["import", dir.to_str().unwrap()]);
        assert_eq!(r.code, 2);
        assert!(
            r.stderr
                .contains("links to a place outside the export folder"),
            "{}",
            r.stderr
        );
        outside_tmp.close().unwrap();
    }
    tmp.close().unwrap();
}

/// A subscription listed in two customer folders is an input error at its
/// second listing, naming the file of the first.
#[test]
fn a_subscription_listed_twice_is_an_error_at_the_second_listing() {
    let tmp = common::fresh_dir("import", "listed-twice");
    let dir = tmp.path();
    copy_tree(Path::new(TAILSPIN), dir);
    let folder = |tenant: &str| {
        dir.join("customers")
            .join(tenant)
            .join("subscriptions.json")
    };
    let read = |path: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let first = read(&folder("0a3f6c2e-5d41-4b7a-8e19-c2d4f6a80b11"));
    let entry = first["items"][0].clone();
    let second_path = folder("1b4e7d3f-6e52-4c8b-9f2a-d3e5a7b91c22");
    let mut second = read(&second_path);
    second["items"].as_array_mut().unwrap().push(entry.clone());
    std::fs::write(&second_path, serde_json::to_string_pretty(&second).unwrap()).unwrap();
    let r = import_with_tailspin_at(dir.to_str().unwrap());
    assert_eq!(r.code, 2, "{}", r.stderr);
    let id = entry["id"].as_str().unwrap();
    assert!(
        r.stderr
            .contains(&format!("subscription `{id}` is listed twice")),
        "{}",
        r.stderr
    );
    // The first listing's file, named in the help (which wraps).
    let help = r.stderr.split("it is also in").nth(1).unwrap_or_default();
    assert!(
        help.contains("c2d4f6a80b11/subscriptions.json`; keep one export's copy"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("1 error in the import"), "{}", r.stderr);
    tmp.close().unwrap();
}

/// A name holding characters YAML may not carry written out (DEL, C1
/// controls, U+FFFF) is written escaped, so the import passes its own check
/// and `eligo check` accepts the file. (They were written out before, and
/// the import failed on its own output.)
#[test]
fn names_with_characters_yaml_may_not_hold_are_written_escaped() {
    let tmp = common::fresh_dir("import", "control-names");
    let dir = tmp.path();
    copy_tree(Path::new(TAILSPIN), dir);
    let subscriptions = dir
        .join("customers")
        .join("0a3f6c2e-5d41-4b7a-8e19-c2d4f6a80b11")
        .join("subscriptions.json");
    let text = std::fs::read_to_string(&subscriptions).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let first = json
        .get_mut("items")
        .and_then(|items| items.get_mut(0))
        .unwrap();
    first["friendlyName"] = "Office\u{7f} 365\u{85}E1\u{9b}\u{ffff}".into();
    std::fs::write(&subscriptions, json.to_string()).unwrap();
    let output = dir.join("imported.yaml");
    let r = run(&[
        "import",
        "--map",
        MAP,
        "--overlay",
        OVERLAY,
        "--output",
        output.to_str().unwrap(),
        dir.to_str().unwrap(),
        WIDE_WORLD,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(
        written.contains(r#"name: "Office\u007f 365\u0085E1\u009b\uffff""#),
        "{written}"
    );
    let check = run(&["check", "--format", "json", output.to_str().unwrap()]);
    assert_ne!(check.code, 2, "{}", check.stderr);
    tmp.close().unwrap();
}

/// A customer folder reached through a link inside the export is read, and a
/// file there that links out of the export is refused. (That its sub-folders
/// count as linked is `import::read`'s unit test.)
#[cfg(unix)]
#[test]
fn a_linked_customer_folder_is_read_and_a_file_there_linking_out_refused() {
    let tmp = common::fresh_dir("import", "linked-folder");
    let dir = tmp.path();
    copy_tree(Path::new(TAILSPIN), dir);
    move_behind_a_link(dir, "customers");
    let export = dir.to_str().unwrap();
    assert_imports_as_bundled(export);

    let outside_tmp = common::fresh_dir("import", "linked-folder-outside");
    let customer = std::fs::read_dir(dir.join("saved-customers"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("subscriptions.json").is_file())
        .unwrap();
    let file = customer.join("subscriptions.json");
    let outside = outside_tmp.path().join("subscriptions.json");
    std::fs::rename(&file, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &file).unwrap();
    let escaped = import_with_tailspin_at(export);
    assert_eq!(escaped.code, 2, "{}", escaped.stdout);
    assert!(
        escaped
            .stderr
            .contains("links to a place outside the export folder"),
        "{}",
        escaped.stderr
    );
    outside_tmp.close().unwrap();
    tmp.close().unwrap();
}

/// Export files are opened without following a final link; a link that stays
/// inside the export is still read, and a FIFO is refused at once instead of
/// waiting for a writer.
#[cfg(unix)]
#[test]
fn a_link_inside_the_export_is_read_and_a_fifo_is_refused_without_waiting() {
    let tmp = common::fresh_dir("import", "inside-link");
    let dir = tmp.path();
    copy_tree(Path::new(TAILSPIN), dir);
    let customers = move_behind_a_link(dir, "customers.json");
    assert_imports_as_bundled(dir.to_str().unwrap());

    std::fs::remove_file(&customers).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&customers)
        .status()
        .unwrap();
    assert!(status.success());
    let out = eligo()
        .args(["import", dir.to_str().unwrap()])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("customers.json` is not a regular file"),
        "{stderr}"
    );
    tmp.close().unwrap();
}

/// Moves `dir/name` to `dir/saved-name` and puts a link to it in its place;
/// returns the link's path.
#[cfg(unix)]
fn move_behind_a_link(dir: &Path, name: &str) -> std::path::PathBuf {
    let saved = format!("saved-{name}");
    let link = dir.join(name);
    std::fs::rename(&link, dir.join(&saved)).unwrap();
    std::os::unix::fs::symlink(saved, &link).unwrap();
    link
}

/// Copies a folder tree (regular files and folders only).
#[cfg(unix)]
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn imported_scenario_file(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = common::fresh_dir("import", name);
    let path = dir.path().join("tailspin.yaml");
    std::fs::write(&path, import_bundled().stdout).unwrap();
    (dir, path)
}

#[test]
fn reconcile_lists_agreement_and_both_kinds_of_disagreement() {
    let (dir, path) = imported_scenario_file("reconcile");
    let scenario = path.to_str().unwrap();
    let r = run(&["reconcile", "--map", MAP, scenario, TAILSPIN, WIDE_WORLD]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(
        "reconcile_human",
        r.stdout.replace(scenario, "tailspin.yaml")
    );
    let r = run(&[
        "reconcile",
        "--format",
        "json",
        "--map",
        MAP,
        scenario,
        TAILSPIN,
    ]);
    assert_eq!(r.code, 1);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let ids = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["subscription"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("partner_center_only"),
        ["proseware-office-365-e1-retail"]
    );
    assert!(ids("eligo_only").contains(&"wingtip-toys-office-365-e1".to_string()));
    let agreed = &json["agreed"];
    let deleted = agreed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subscription"] == "litware-inc-office-365-e1-contractors")
        .unwrap();
    assert_eq!(deleted["reason_rule"], "transfer-subscription-active");
    assert_eq!(deleted["eligo_rules"][0], "transfer-subscription-active");
    dir.close().unwrap();
}

#[test]
fn reconcile_exits_0_when_they_agree() {
    let (dir, path) = imported_scenario_file("agree");
    // The provider's export holds no eligibility answers: nothing to disagree on.
    let r = run(&["reconcile", path.to_str().unwrap(), WIDE_WORLD]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("0 agreed, 0 disagreed, 0 not compared"),
        "{}",
        r.stdout
    );
    dir.close().unwrap();
}

#[test]
fn reconcile_rejects_answers_for_subscriptions_not_in_the_scenario() {
    let r = run(&["reconcile", "fixtures/books/clean-book.yaml", TAILSPIN]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is in no `pc_id` of"), "{}", r.stderr);
}

#[test]
fn a_generated_export_imports_back_to_a_valid_book() {
    let tmp = common::fresh_dir("import", "generated");
    let dir = tmp.path();
    let export = dir.join("export");
    let r = run(&[
        "generate",
        "--subscriptions",
        "400",
        "--export",
        export.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Its subscriptions read like the API's: mostly fields the mapping does
    // not read, which the import must read past (the benchmarks import it).
    let first = std::fs::read_dir(&export)
        .unwrap()
        .map(|e| e.unwrap().path().join("customers"))
        .filter(|p| p.is_dir())
        .flat_map(|p| std::fs::read_dir(p).unwrap())
        .map(|e| e.unwrap().path().join("subscriptions.json"))
        .find(|p| p.is_file())
        .unwrap();
    let text = std::fs::read_to_string(first).unwrap();
    for field in [
        "\"links\"",
        "\"commitmentEndDate\"",
        "\"refundOptions\"",
        "\"etag\"",
    ] {
        assert!(text.contains(field), "{field} in {text}");
    }
    let mut args: Vec<String> = vec![
        "import".into(),
        "--map".into(),
        export.join("partner-center.map.yaml").display().to_string(),
        "--overlay".into(),
        export.join("overlay.yaml").display().to_string(),
        "--output".into(),
        dir.join("book.yaml").display().to_string(),
    ];
    let mut folders: Vec<String> = std::fs::read_dir(&export)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.display().to_string())
        .collect();
    folders.sort();
    args.extend(folders);
    let r = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let book = std::fs::read_to_string(dir.join("book.yaml")).unwrap();
    assert!(
        book.matches("\n    pc_id: ").count() > 400,
        "subscriptions and transfers keep their ids"
    );
    let r = run(&["check", dir.join("book.yaml").to_str().unwrap()]);
    assert_eq!(r.code, 1, "findings, not input errors: {}", r.stderr);
    tmp.close().unwrap();
}

/// The entities are built in the order of their ids (the order they are
/// written in), not in the exports' order; what the build finds wrong must
/// still come in the exports' order: two add-ons with unknown bases, the
/// first listed named to sort last, and the first of two unknown resellers
/// alike is the one reported.
#[test]
fn errors_found_while_building_come_in_the_exports_order() {
    let tmp = common::fresh_dir("import", "build-order");
    let dir = tmp.path();
    copy_tree(Path::new(TAILSPIN), dir);
    let path = dir
        .join("customers")
        .join("0a3f6c2e-5d41-4b7a-8e19-c2d4f6a80b11")
        .join("subscriptions.json");
    let mut subs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for (n, name) in [(0, "Zulu Suite"), (1, "Alpha Suite")] {
        let entry = &mut subs["items"][n];
        entry["friendlyName"] = name.into();
        entry["parentSubscriptionId"] = format!("0dead000-0000-4000-8000-00000000000{n}").into();
        entry["partnerId"] = "9999999".into();
    }
    std::fs::write(&path, serde_json::to_string_pretty(&subs).unwrap()).unwrap();
    let r = import_with_tailspin_at(dir.to_str().unwrap());
    assert_eq!(r.code, 2, "{}", r.stderr);
    let base = |n: u8| format!("-00000000000{n}` is in no export's subscriptions");
    assert_in_order(&r.stderr, &[&base(0), &base(1)]);
    // The reseller is reported once, at the first listing's line.
    let text = std::fs::read_to_string(&path).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l.contains(r#""partnerId": "9999999""#))
        .unwrap();
    let reseller = r.stderr.split("reseller `9999999` is none").nth(1).unwrap();
    assert!(
        reseller.contains(&format!("subscriptions.json:{line}:")),
        "line {line}: {}",
        r.stderr
    );
    assert!(r.stderr.contains("3 errors in the import"), "{}", r.stderr);
    tmp.close().unwrap();
}

/// The customers' entries of the overlays are merged ahead of the rest, as
/// soon as the customers are built; the errors still come in the overlays'
/// order, file by file and key by key (a kind's key may come twice).
#[test]
fn overlay_errors_come_in_the_overlays_order() {
    let tmp = common::fresh_dir("import", "overlay-order");
    let first = tmp.path().join("first.yaml");
    let second = tmp.path().join("second.yaml");
    std::fs::write(
        &first,
        "subscriptions:\n  - id: no-such-subscription\n\
         customers:\n  - id: no-such-customer-1\n\
         partners:\n  - id: no-such-partner\n\
         customers:\n  - id: no-such-customer-2\n\
         unknown_key: 1\n",
    )
    .unwrap();
    std::fs::write(&second, "customers:\n  - id: no-such-customer-3\n").unwrap();
    let r = import_bundled_with_overlays(&[first.to_str().unwrap(), second.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_in_order(
        &r.stderr,
        &[
            "`no-such-subscription` matches none",
            "`no-such-customer-1` matches none",
            "`no-such-partner` matches none",
            "`no-such-customer-2` matches none",
            "unknown key `unknown_key`",
            "`no-such-customer-3` matches none",
        ],
    );
    assert!(r.stderr.contains("6 errors in the import"), "{}", r.stderr);
    tmp.close().unwrap();
}

/// An export of `n` customers (no customer folders), and an overlay whose
/// `n` customer entries all name customers that do not exist.
fn export_and_overlay_of_unknown_customers(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let export = dir.join(format!("export-{n}"));
    std::fs::create_dir_all(export.join("profiles")).unwrap();
    std::fs::write(
        export.join("profiles/organization.json"),
        r#"{"id": "7c1e5a20-3f4b-4d8e-9a61-52b0c4d7e913", "companyName": "Tailspin Cloud Services",
            "tenantId": "7c1e5a20-3f4b-4d8e-9a61-52b0c4d7e913", "defaultAddress": {"country": "DE"}}"#,
    )
    .unwrap();
    let customers: Vec<String> = (0..n)
        .map(|c| {
            format!(
                r#"{{"id": "0a3f6c2e-5d41-4b7a-8e19-{c:012}", "companyProfile": {{"tenantId": "0a3f6c2e-5d41-4b7a-8e19-{c:012}", "companyName": "Customer {c:06}"}}, "billingProfile": {{"defaultAddress": {{"country": "DE"}}}}}}"#
            )
        })
        .collect();
    std::fs::write(
        export.join("customers.json"),
        format!(
            r#"{{"totalCount": {n}, "items": [{}]}}"#,
            customers.join(",\n")
        ),
    )
    .unwrap();
    let mut overlay = String::from("customers:\n");
    for c in 0..n {
        overlay.push_str(&format!("  - id: xcustomer-{c:06}\n    region: europe\n"));
    }
    let overlay_path = dir.join(format!("overlay-{n}.yaml"));
    std::fs::write(&overlay_path, overlay).unwrap();
    (export, overlay_path)
}

/// Each overlay entry that matches nothing used to be compared with every
/// entity's id for its "did you mean": an overlay of 8 times the unknown
/// ids against 8 times the customers took 64 times as long. The
/// suggestions now have a budget that grows with the overlay.
#[test]
fn many_unmatched_overlay_entries_take_time_linear_in_the_overlay() {
    let tmp = common::fresh_dir("import", "unmatched");
    let timed = |n: usize| {
        let (export, overlay) = export_and_overlay_of_unknown_customers(tmp.path(), n);
        let start = std::time::Instant::now();
        let r = run(&[
            "import",
            "--map",
            MAP,
            "--overlay",
            overlay.to_str().unwrap(),
            export.to_str().unwrap(),
        ]);
        (start.elapsed(), r)
    };
    let (t_small, small) = timed(1_000);
    assert_eq!(small.code, 2, "{}", small.stderr);
    // The first unknown ids still get their suggestion.
    assert!(
        small.stderr.contains("did you mean `customer-000000`?"),
        "{}",
        small.stderr
    );
    let (t_large, large) = timed(8_000);
    assert_eq!(large.code, 2);
    assert!(
        large.stderr.contains("8000 errors in the import"),
        "{}",
        &large.stderr[large.stderr.len().saturating_sub(500)..]
    );
    common::assert_eight_times_the_input_is_linear(t_small, t_large);
    tmp.close().unwrap();
}

/// Adds to the export at `dir` a customer with this tenant id (and name,
/// if any) holding two of the first customer's subscriptions, renumbered.
fn add_customer(dir: &Path, tenant: &str, name: Option<&str>) {
    let list = dir.join("customers.json");
    let mut customers: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&list).unwrap()).unwrap();
    let items = customers["items"].as_array_mut().unwrap();
    let first = items[0].clone();
    let mut customer = first.clone();
    customer["id"] = tenant.into();
    customer["companyProfile"]["tenantId"] = tenant.into();
    for profile in ["companyProfile", "billingProfile"] {
        match name {
            Some(name) => customer[profile]["companyName"] = name.into(),
            None => {
                customer[profile]
                    .as_object_mut()
                    .unwrap()
                    .remove("companyName");
            }
        }
    }
    items.push(customer);
    customers["totalCount"] = items.len().into();
    std::fs::write(&list, customers.to_string()).unwrap();
    let from = dir.join("customers").join(first["id"].as_str().unwrap());
    let text = std::fs::read_to_string(from.join("subscriptions.json")).unwrap();
    let mut subscriptions: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = subscriptions["items"].as_array_mut().unwrap();
    items.truncate(2);
    for (n, item) in items.iter_mut().enumerate() {
        item["id"] = format!("70000000-0000-4000-8000-00000000000{n}").into();
        item.as_object_mut().unwrap().remove("parentSubscriptionId");
    }
    subscriptions["totalCount"] = 2.into();
    let folder = dir.join("customers").join(tenant);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("subscriptions.json"), subscriptions.to_string()).unwrap();
}

/// The ids of a scenario's entities (`  - id: …` lines), sorted.
fn entity_ids(scenario: &str) -> Vec<String> {
    let mut ids: Vec<String> = scenario
        .lines()
        .filter_map(|l| l.strip_prefix("  - id: "))
        .map(str::to_string)
        .collect();
    ids.sort();
    ids
}

/// Ids are handed out customer family by customer family where the
/// customers' ids allow it (`import::by_family`), else in one pass: a
/// second Adatum Corp makes the family `adatum-corp`, `adatum-corp-2`; a
/// customer with no name gets an id from its tenant id, here with a `+`
/// (below `-`), which takes the single pass. Either way the bundled
/// entities keep their ids and the new ones get theirs.
#[test]
fn ids_are_the_same_handed_out_by_family_or_in_one_pass() {
    let bundled = entity_ids(&import_bundled().stdout);
    let cases: [(&str, Option<&str>, &str); 2] = [
        (
            "7e000000-0000-4000-8000-000000000077",
            Some("Adatum Corp"),
            "adatum-corp-2",
        ),
        (
            "ab+cd000-0000-4000-8000-000000000077",
            None,
            "customer-ab+cd000",
        ),
    ];
    for (tenant, name, id) in cases {
        let tmp = common::fresh_dir("import", "by-family");
        let dir = tmp.path();
        copy_tree(Path::new(TAILSPIN), dir);
        add_customer(dir, tenant, name);
        let overlay = dir.join("more.yaml");
        let relationship = "{ partner: tailspin-cloud-services, via: direct }";
        let entry = format!(
            "customers:\n  - id: {tenant}\n    mca: {{ via: admin_center }}\n    relationships: [{relationship}]\n"
        );
        std::fs::write(&overlay, entry).unwrap();
        let r = import_with(dir.to_str().unwrap(), &[overlay.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let written = r.stdout;
        let mut expected = bundled.clone();
        for more in ["", "-exchange-online-archiving", "-office-365-e1"] {
            expected.push(format!("{id}{more}"));
        }
        expected.sort();
        assert_eq!(entity_ids(&written), expected, "{written}");
        let output = dir.join("imported.yaml");
        std::fs::write(&output, &written).unwrap();
        let check = run(&["check", "--format", "json", output.to_str().unwrap()]);
        assert_ne!(check.code, 2, "{}", check.stderr);
        tmp.close().unwrap();
    }
}
