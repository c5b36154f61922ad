//! Building a workshop from a broken text form or archive: each mistake gets its own error naming the file (and line), and no `.db` is half-written.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;

use common::*;
use stepwise_artifact::Error;
use stepwise_artifact::archive::{FileTree, Limits};

/// `<src>/<rel>`, as errors name a file inside the folder being built.
fn inside(src: &Path, rel: &str) -> String {
    format!("{}/{rel}", src.display())
}

/// Expects a [`Error::Yaml`] naming `<src>/<rel>`, and returns (line, reason).
#[track_caller]
fn yaml_err(err: &Error, src: &Path, rel: &str) -> (Option<u64>, String) {
    match err {
        Error::Yaml { file, line, reason } => {
            assert_eq!(file, &inside(src, rel), "{err}");
            let shown = match line {
                Some(l) => format!("{file}:{l}: "),
                None => format!("{file}: "),
            };
            assert!(err.to_string().starts_with(&shown), "{err}");
            (*line, reason.clone())
        }
        other => panic!("expected a YAML error naming {rel}, got {other:?}"),
    }
}

/// Expects an [`Error::Invalid`] naming `<src>/<rel>`, and returns the reason.
#[track_caller]
fn invalid_err(err: &Error, src: &Path, rel: &str) -> String {
    match err {
        Error::Invalid { file, reason } => {
            assert_eq!(file, &inside(src, rel), "{err}");
            assert!(err.to_string().starts_with(&format!("{file}: ")), "{err}");
            reason.clone()
        }
        other => panic!("expected Invalid naming {rel}, got {other:?}"),
    }
}

/// Expects an [`Error::Csv`] naming `<src>/<rel>` at `line`, and returns the reason.
#[track_caller]
fn csv_err(err: &Error, src: &Path, rel: &str, line: u64) -> String {
    match err {
        Error::Csv { file, line: l, reason } => {
            assert_eq!(file, &inside(src, rel), "{err}");
            assert_eq!(*l, line, "{err}");
            assert!(err.to_string().starts_with(&format!("{file}:{line}: ")), "{err}");
            reason.clone()
        }
        other => panic!("expected a CSV error naming {rel}:{line}, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The baseline.

#[test]
fn the_untouched_copy_builds() {
    let (_dir, src) = tiny_copy();
    let outdir = tempdir();
    let out = outdir.path().join("out.db");
    let digest = stepwise_artifact::build_file(&src, &out).unwrap();
    assert!(digest.starts_with(stepwise_artifact::DIGEST_PREFIX), "{digest}");
    assert!(out.exists());
    assert_eq!(leftovers(outdir.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// workshop.yaml

#[test]
fn yaml_syntax_error_names_the_line() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "  slug: tiny\n", "  slug: tiny: oops\n");
    let line = line_of(&read(&src, "workshop.yaml"), "tiny: oops", 0);
    let err = build_fails(&src);
    let (l, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(l, Some(line), "{err}");
    assert!(reason.contains("mapping values are not allowed"), "{err}");
}

#[test]
fn yaml_syntax_error_further_down_names_its_line() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "        prompt: I did it.\n", "        prompt: [I did it.\n");
    let line = line_of(&read(&src, "workshop.yaml"), "[I did it.", 0);
    let err = build_fails(&src);
    let (l, _) = yaml_err(&err, &src, "workshop.yaml");
    // The flow sequence is unclosed: the parser notices on this line or the next.
    let l = l.expect("a syntax error has a line");
    assert!(l == line || l == line + 1, "reported line {l}, the mistake is on line {line}: {err}");
}

#[test]
fn version_3_is_unsupported() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "version: 2\nworkshop:", "version: 3\nworkshop:");
    let err = build_fails(&src);
    match &err {
        Error::UnsupportedVersion { file, found, supported } => {
            assert_eq!(file, &inside(&src, "workshop.yaml"));
            assert_eq!(found, "3");
            assert_eq!(*supported, 2);
        }
        other => panic!("expected UnsupportedVersion, got {other:?}"),
    }
    assert_mentions(&err.to_string(), &["workshop.yaml", "unsupported version 3", "version 2"]);
}

#[test]
fn missing_version_is_named() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "version: 2\nworkshop:", "workshop:");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(line, Some(1));
    assert!(reason.contains("missing `version: 2`"), "{err}");
}

#[test]
fn unknown_field_is_named() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "  title: A tiny", "  titel: A tiny");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert!(reason.contains("unknown field `titel`"), "{err}");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "titel:", 0)), "{err}");
}

#[test]
fn unknown_step_field_is_named() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "    minutes: 3\n", "    minuets: 3\n");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert!(reason.contains("unknown field `minuets`"), "{err}");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "minuets:", 0)), "{err}");
}

#[test]
fn listed_step_without_folder() {
    let (_dir, src) = tiny_copy();
    std::fs::remove_dir_all(src.join("steps/02-second")).unwrap();
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- slug: second", 0)), "{err}");
    assert_mentions(&reason, &["\"second\"", "no folder", "steps/NN-second/"]);
}

#[test]
fn folder_without_listed_step() {
    let (_dir, src) = tiny_copy();
    write(&src, "steps/03-third/content.md", "# Third\n");
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "steps/03-third");
    assert_mentions(&reason, &["no step \"third\" is listed", "workshop.yaml"]);
}

#[test]
fn step_folder_with_a_bad_name() {
    let (_dir, src) = tiny_copy();
    write(&src, "steps/third/content.md", "# Third\n");
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "steps/third");
    assert!(reason.contains("NN-<slug>"), "{err}");
}

#[test]
fn duplicate_step_slug_points_at_the_duplicate() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "  - slug: second\n", "  - slug: first\n");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert!(reason.contains("\"first\" is listed twice"), "{err}");
    // The mistake is the second listing, not the first.
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- slug: first", 1)), "{err}");
}

#[test]
fn step_named_like_the_workshop_points_at_the_step() {
    // A step may share its slug with the workshop; an error about the step must point at the
    // step's listing, not at `workshop.slug`.
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "  - slug: second\n", "  - slug: tiny\n");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert!(reason.contains("step \"tiny\" has no folder"), "{err}");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- slug: tiny", 0)), "{err}");
}

#[test]
fn bad_step_slug() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "  - slug: second\n", "  - slug: Bad Slug\n");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- slug: Bad Slug", 0)), "{err}");
    assert_mentions(&reason, &["\"Bad Slug\"", "a-z"]);
}

#[test]
fn unknown_validation_kind() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "        kind: manual\n", "        kind: magic\n");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- id: done", 0)), "{err}");
    assert_mentions(&reason, &["\"done\"", "unknown kind \"magic\"", "sql, answer, choice, manual or external"]);
}

#[test]
fn sql_validation_without_query() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "        query: SELECT count(*) FROM t\n", "");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- id: count", 0)), "{err}");
    assert_mentions(&reason, &["\"count\"", "needs `query`"]);
}

#[test]
fn misspelt_expect_form() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "expect: { scalar: 2 }", "expect: { scalr: 1 }");
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- id: count", 0)), "{err}");
    assert_mentions(&reason, &["\"count\"", "scalr"]);
}

#[test]
fn invalid_regex_pattern() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", r#"pattern: "[0-9]{2}""#, r#"pattern: "[0-9""#);
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- id: shape", 0)), "{err}");
    assert_mentions(&reason, &["\"shape\"", "pattern"]);
}

#[test]
fn error_in_a_validation_whose_id_another_step_also_uses_points_at_the_right_one() {
    // Validation ids are unique within a step only: `count` in step 2 is not `count` in step 1.
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "      - id: shape\n", "      - id: count\n");
    edit(&src, "workshop.yaml", r#"pattern: "[0-9]{2}""#, r#"pattern: "[0-9""#);
    let err = build_fails(&src);
    let (line, reason) = yaml_err(&err, &src, "workshop.yaml");
    assert_mentions(&reason, &["\"count\" of step \"second\"", "pattern"]);
    assert_eq!(line, Some(line_of(&read(&src, "workshop.yaml"), "- id: count", 1)), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Step folders

#[test]
fn both_files_folder_and_files_tar() {
    let (_dir, src) = tiny_copy();
    let tar = std::fs::read(src.join("steps/02-second/files.tar")).unwrap();
    write(&src, "steps/01-first/files.tar", tar);
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "steps/01-first");
    assert_mentions(&reason, &["files/", "files.tar"]);
}

#[test]
fn stray_file_in_a_step_folder() {
    let (_dir, src) = tiny_copy();
    write(&src, "steps/01-first/notes.txt", "todo\n");
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "steps/01-first/notes.txt");
    assert!(reason.contains("unexpected file"), "{err}");
}

#[test]
fn stray_file_directly_in_steps() {
    let (_dir, src) = tiny_copy();
    write(&src, "steps/README.md", "steps\n");
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "steps/README.md");
    assert!(reason.contains("only step folders"), "{err}");
}

#[test]
fn step_folder_without_content_md() {
    let (_dir, src) = tiny_copy();
    std::fs::remove_file(src.join("steps/02-second/content.md")).unwrap();
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "steps/02-second");
    assert!(reason.contains("no content.md"), "{err}");
}

#[test]
fn content_md_not_utf8() {
    let (_dir, src) = tiny_copy();
    write(&src, "steps/01-first/content.md", b"# Caf\xe9\n".as_slice());
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "steps/01-first/content.md");
    assert!(reason.contains("not UTF-8"), "{err}");
}

#[test]
fn manifest_document_without_kind() {
    let (_dir, src) = tiny_copy();
    edit(&src, "steps/01-first/manifests.yaml", "kind: Service\n", "");
    let err = build_fails(&src);
    let (_, reason) = yaml_err(&err, &src, "steps/01-first/manifests.yaml");
    assert_mentions(&reason, &["document 2", "apiVersion and kind"]);
}

#[test]
fn manifest_with_a_syntax_error_names_the_line() {
    let (_dir, src) = tiny_copy();
    edit(
        &src,
        "steps/01-first/manifests.yaml",
        "  name: web\nspec:\n  containers",
        "  name: web: x\nspec:\n  containers",
    );
    let line = line_of(&read(&src, "steps/01-first/manifests.yaml"), "name: web: x", 0);
    let err = build_fails(&src);
    let (l, _) = yaml_err(&err, &src, "steps/01-first/manifests.yaml");
    assert_eq!(l, Some(line), "{err}");
}

#[test]
fn state_yaml_that_is_a_list() {
    let (_dir, src) = tiny_copy();
    write(&src, "steps/01-first/state.yaml", "- counting\n- joins\n");
    let err = build_fails(&src);
    let (_, reason) = yaml_err(&err, &src, "steps/01-first/state.yaml");
    assert!(reason.contains("one YAML mapping"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// data/*.csv

const PROGRESS: &str = "data/progress.csv";

#[test]
fn csv_missing_column() {
    let (_dir, src) = tiny_copy();
    write(&src, PROGRESS, "step,status,verified,completed_at\nfirst,done,1,2026-01-01T00:10:00Z\n");
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 1);
    assert_mentions(&reason, &["\"started_at\"", "missing"]);
}

#[test]
fn csv_extra_column() {
    let (_dir, src) = tiny_copy();
    let text = read(&src, PROGRESS).replacen("completed_at\n", "completed_at,mood\n", 1);
    write(&src, PROGRESS, text);
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 1);
    assert_mentions(&reason, &["\"mood\"", "progress"]);
}

#[test]
fn csv_ragged_row() {
    let (_dir, src) = tiny_copy();
    edit(&src, PROGRESS, "second,started,0,2026-01-01T00:10:00Z,\n", "second,started,2026-01-01T00:10:00Z\n");
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 3);
    assert_mentions(&reason, &["3 field", "header has 5"]);
}

#[test]
fn csv_broken_quote() {
    let (_dir, src) = tiny_copy();
    edit(&src, PROGRESS, "first,done,1,", "first,\"done,1,");
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 2);
    assert!(reason.contains("quote"), "{err}");
}

#[test]
fn csv_quote_inside_unquoted_field() {
    let (_dir, src) = tiny_copy();
    edit(&src, PROGRESS, "second,started,", "second,sta\"rted,");
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 3);
    assert!(reason.contains("quote"), "{err}");
}

#[test]
fn csv_row_for_an_unknown_step() {
    let (_dir, src) = tiny_copy();
    let text = read(&src, PROGRESS) + "ghost,started,0,2026-01-01T00:20:00Z,\n";
    write(&src, PROGRESS, text);
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 4);
    assert!(reason.contains("FOREIGN KEY"), "{err}");
}

#[test]
fn csv_row_the_table_refuses() {
    let (_dir, src) = tiny_copy();
    edit(&src, PROGRESS, "second,started,0,", "second,paused,0,");
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 3);
    assert!(reason.contains("CHECK"), "{err}");
}

#[test]
fn csv_not_utf8() {
    let (_dir, src) = tiny_copy();
    let mut bytes = read(&src, PROGRESS).into_bytes();
    bytes.extend_from_slice(b"th\xefrd,started,0,2026-01-01T00:20:00Z,\n");
    write(&src, PROGRESS, bytes);
    let err = build_fails(&src);
    let reason = csv_err(&err, &src, PROGRESS, 4);
    assert!(reason.contains("UTF-8"), "{err}");
}

#[test]
fn unknown_csv_in_data() {
    let (_dir, src) = tiny_copy();
    write(&src, "data/unknown.csv", "a,b\n1,2\n");
    let err = build_fails(&src);
    let reason = invalid_err(&err, &src, "data/unknown.csv");
    assert_mentions(&reason, &["not a runtime table", "progress.csv"]);
}

// ---------------------------------------------------------------------------------------------
// Archives: zip input, files.tar, folders with links.

#[test]
fn zip_entry_escaping_with_dotdot() {
    let (dir, src) = tiny_copy();
    let zip = zip_of_dir_with(&src, &[("../evil.txt", b"pwned")], dir.path(), "tiny.zip");
    let err = build_fails(&zip);
    match &err {
        Error::UnsafePath { archive, path, reason } => {
            assert_eq!(archive, &zip.display().to_string());
            assert_eq!(path, "../evil.txt");
            assert!(reason.contains("'..'"), "{err}");
        }
        other => panic!("expected UnsafePath, got {other:?}"),
    }
    assert_mentions(&err.to_string(), &[&zip.display().to_string(), "../evil.txt", "refused"]);
    assert!(!dir.path().join("evil.txt").exists());
}

#[test]
fn zip_entry_with_an_absolute_path() {
    let (dir, src) = tiny_copy();
    let zip = zip_of_dir_with(&src, &[("/etc/x", b"pwned")], dir.path(), "tiny.zip");
    let err = build_fails(&zip);
    match &err {
        Error::UnsafePath { archive, path, reason } => {
            assert_eq!(archive, &zip.display().to_string());
            assert_eq!(path, "/etc/x");
            assert!(reason.contains("absolute"), "{err}");
        }
        other => panic!("expected UnsafePath, got {other:?}"),
    }
}

#[test]
fn zip_of_the_folder_builds() {
    // The baseline for the zip cases: the same files, zipped, build.
    let (dir, src) = tiny_copy();
    let zip = zip_of_dir_with(&src, &[], dir.path(), "tiny.zip");
    let out = dir.path().join("out.db");
    stepwise_artifact::build_file(&zip, &out).unwrap();
    assert!(out.exists());
}

/// 2 MiB of zeros: deflates to a few KiB, a ratio far above any sane limit.
fn zeros() -> Vec<u8> {
    vec![0u8; 2 << 20]
}

#[test]
fn zip_bomb_refused_by_ratio() {
    let bomb = zip_bytes(&[("workshop.yaml", b"version: 1\n"), ("assets/zeros.bin", &zeros())]);
    let limits = Limits { max_ratio: 10, ..Limits::default() };
    let err = FileTree::from_zip("bomb.zip", &bomb, &limits).unwrap_err();
    match &err {
        Error::TooLarge { file, reason } => {
            assert_eq!(file, "bomb.zip: assets/zeros.bin");
            assert_mentions(reason, &["zip bomb", "10:1"]);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // Within a generous ratio the same archive reads.
    let limits = Limits { max_ratio: 1 << 20, ..Limits::default() };
    assert_eq!(FileTree::from_zip("bomb.zip", &bomb, &limits).unwrap().len(), 2);
}

#[test]
fn zip_entry_larger_than_the_file_limit() {
    let big = zip_bytes(&[("workshop.yaml", b"version: 1\n"), ("assets/big.bin", &noise(10_000, 3))]);
    let limits = Limits { max_file_size: 4096, ..Limits::default() };
    let err = FileTree::from_zip("big.zip", &big, &limits).unwrap_err();
    match &err {
        Error::TooLarge { file, reason } => {
            assert_eq!(file, "big.zip: assets/big.bin");
            assert!(reason.contains("4096"), "{err}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let limits = Limits { max_total_size: 5000, ..Limits::default() };
    let err = FileTree::from_zip("big.zip", &big, &limits).unwrap_err();
    assert!(
        matches!(&err, Error::TooLarge { file, reason } if file == "big.zip" && reason.contains("5000")),
        "{err:?}"
    );
    let limits = Limits { max_entries: 1, ..Limits::default() };
    let err = FileTree::from_zip("big.zip", &big, &limits).unwrap_err();
    assert!(
        matches!(&err, Error::TooLarge { file, reason } if file == "big.zip" && reason.contains("2 entries")),
        "{err:?}"
    );
}

#[test]
fn zip_bomb_end_to_end_with_default_limits() {
    let (dir, src) = tiny_copy();
    let zeros = zeros();
    let zip = zip_of_dir_with(&src, &[("assets/zeros.bin", &zeros)], dir.path(), "bomb.zip");
    let err = build_fails(&zip);
    match &err {
        Error::TooLarge { file, reason } => {
            assert_eq!(file, &format!("{}: assets/zeros.bin", zip.display()));
            assert!(reason.contains("zip bomb"), "{err}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn files_tar_with_a_symlink() {
    let (_dir, src) = tiny_copy();
    let tar = tar_bytes(&[TarEntry::File(b"x.txt", b"x\n"), TarEntry::Symlink(b"passwd", b"/etc/passwd")]);
    write(&src, "steps/02-second/files.tar", tar);
    let err = build_fails(&src);
    match &err {
        Error::UnsafePath { archive, path, reason } => {
            assert!(archive.ends_with("steps/02-second/files.tar"), "{err}");
            assert_eq!(path, "passwd");
            assert!(reason.contains("symbolic link"), "{err}");
        }
        other => panic!("expected UnsafePath, got {other:?}"),
    }
}

#[test]
fn files_tar_with_dotdot() {
    let (_dir, src) = tiny_copy();
    let tar = tar_bytes(&[TarEntry::File(b"x.txt", b"x\n"), TarEntry::File(b"../x", b"pwned\n")]);
    write(&src, "steps/02-second/files.tar", tar);
    let err = build_fails(&src);
    match &err {
        Error::UnsafePath { archive, path, reason } => {
            assert!(archive.ends_with("steps/02-second/files.tar"), "{err}");
            assert_eq!(path, "../x");
            assert!(reason.contains("'..'"), "{err}");
        }
        other => panic!("expected UnsafePath, got {other:?}"),
    }
}

#[test]
fn files_tar_refusals_name_the_tar_inside_the_folder() {
    // Every other error of a build names its file with the folder in front
    // (`<folder>/steps/02-second/files.tar`); a refused entry of the same files.tar must too.
    let (_dir, src) = tiny_copy();
    let expected = inside(&src, "steps/02-second/files.tar");
    let mut broken = std::fs::read(src.join("steps/02-second/files.tar")).unwrap();
    broken.truncate(700);
    write(&src, "steps/02-second/files.tar", broken);
    let err = build_fails(&src);
    assert!(matches!(&err, Error::Archive { file, .. } if file == &expected), "{err:?}");
    write(&src, "steps/02-second/files.tar", tar_bytes(&[TarEntry::Symlink(b"passwd", b"/etc/passwd")]));
    let err = build_fails(&src);
    assert!(matches!(&err, Error::UnsafePath { archive, .. } if archive == &expected), "{err:?}");
    assert!(err.to_string().starts_with(&format!("{expected}: entry \"passwd\" refused")), "{err}");
}

#[test]
fn files_tar_that_is_not_a_tar() {
    let (_dir, src) = tiny_copy();
    let mut bytes = std::fs::read(src.join("steps/02-second/files.tar")).unwrap();
    bytes.truncate(700); // header, then part of the data block
    write(&src, "steps/02-second/files.tar", bytes);
    let err = build_fails(&src);
    assert!(
        matches!(&err, Error::Archive { file, .. } if file.ends_with("steps/02-second/files.tar")),
        "expected Archive naming the files.tar, got {err:?}"
    );
}

#[test]
fn folder_with_a_symlink_is_refused() {
    let (_dir, src) = tiny_copy();
    std::os::unix::fs::symlink("/etc/passwd", src.join("steps/01-first/files/passwd")).unwrap();
    let err = stepwise_artifact::native::fs::read_tree(&src).unwrap_err();
    match &err {
        Error::UnsafePath { archive, path, reason } => {
            assert_eq!(archive, &src.display().to_string());
            assert_eq!(path, "steps/01-first/files/passwd");
            assert!(reason.contains("symbolic link"), "{err}");
        }
        other => panic!("expected UnsafePath, got {other:?}"),
    }
    assert_eq!(build_fails(&src), err);
}

#[test]
fn symlinked_folder_is_refused() {
    let (dir, src) = tiny_copy();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(&outside, src.join("assets/linked")).unwrap();
    let err = build_fails(&src);
    assert!(matches!(&err, Error::UnsafePath { path, .. } if path == "assets/linked"), "{err:?}");
}

#[test]
fn missing_source_and_wrong_kind_of_source() {
    let dir = tempdir();
    let err = build_fails(&dir.path().join("nowhere"));
    assert!(matches!(&err, Error::Io { path, .. } if path.ends_with("nowhere")), "{err:?}");
    let file = dir.path().join("workshop.yaml");
    std::fs::write(&file, "version: 1\n").unwrap();
    let err = build_fails(&file);
    assert!(matches!(&err, Error::Invalid { reason, .. } if reason.contains("folder or a .zip")), "{err:?}");
    let not_zip = dir.path().join("broken.zip");
    std::fs::write(&not_zip, "not a zip").unwrap();
    let err = build_fails(&not_zip);
    assert!(matches!(&err, Error::Archive { file, .. } if file == &not_zip.display().to_string()), "{err:?}");
}
