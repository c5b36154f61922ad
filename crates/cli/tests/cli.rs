//! The `stepwise` binary as scripts use it: help with examples, documented subcommands, exit
//! codes, one-line errors on stderr, and no partial files after a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn stepwise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stepwise")).args(args).stdin(Stdio::null()).output().unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample() -> String {
    repo().join("samples/sql-joins").display().to_string()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SUBCOMMANDS: &[&[&str]] = &[
    &["build"],
    &["import"],
    &["export"],
    &["decompile"],
    &["verify"],
    &["info"],
    &["migrate"],
    &["new"],
    &["preview"],
    &["test"],
    &["schema"],
    &["project", "export"],
    &["project", "open"],
    &["project", "rebuild"],
];

#[test]
fn every_subcommand_has_help_with_an_example_and_is_documented() {
    let docs = std::fs::read_to_string(repo().join("docs/cli.md")).unwrap();
    for sub in SUBCOMMANDS {
        let mut args = sub.to_vec();
        args.push("--help");
        let o = stepwise(&args);
        assert_eq!(code(&o), 0, "{sub:?} --help");
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("Example:"), "{sub:?} --help has no example:\n{help}");
        let heading = format!("### `stepwise {}`", sub.join(" "));
        assert!(docs.contains(&heading), "docs/cli.md lacks a section {heading}");
    }
}

#[test]
fn build_verify_info_export_succeed_on_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let o = stepwise(&["build", &sample(), "-o", db]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("sha256:"));
    assert_eq!(code(&stepwise(&["verify", db])), 0);
    let info = stepwise(&["info", db]);
    assert!(String::from_utf8_lossy(&info.stdout).contains("SQL joins in eight steps"));
    let zip = dir.path().join("s.zip");
    assert_eq!(code(&stepwise(&["export", db, "-o", zip.to_str().unwrap()])), 0);
    let again = dir.path().join("again.db");
    let o = stepwise(&["build", zip.to_str().unwrap(), "-o", again.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&stepwise(&["build"])), 2);
    assert_eq!(code(&stepwise(&["frobnicate"])), 2);
}

#[test]
fn bad_input_exits_3_with_one_line_on_stderr_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("w");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("workshop.yaml"), "version: 1\nworkshop:\n  slug: x\n  title: [unclosed\n").unwrap();
    let out = dir.path().join("x.db");
    let o = stepwise(&["build", src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("stepwise: error: ") && err.contains("workshop.yaml:"), "{err}");
    assert!(!out.exists(), "a failed build must not leave a .db");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    );

    let text = dir.path().join("notes.db");
    std::fs::write(&text, "hello\n").unwrap();
    let o = stepwise(&["info", text.to_str().unwrap()]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("not an SQLite database"), "{}", stderr(&o));
}

#[test]
fn missing_files_exit_4() {
    let o = stepwise(&["info", "/nonexistent/x.db"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
}

#[test]
fn verify_exits_1_and_lists_problems_of_a_damaged_workshop() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    assert_eq!(code(&stepwise(&["build", &sample(), "-o", db.to_str().unwrap()])), 0);
    let conn = stepwise_artifact::rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE step SET content = 'tampered' WHERE position = 1", []).unwrap();
    conn.execute("UPDATE blob SET data = zeroblob(size) WHERE rowid = 1", []).unwrap();
    drop(conn);
    let o = stepwise(&["verify", db.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let listing = String::from_utf8_lossy(&o.stdout);
    assert!(listing.contains("content digest mismatch") && listing.contains("SHA-256"), "{listing}");
    // Other commands refuse the damaged file and point at verify.
    let o = stepwise(&["export", db.to_str().unwrap(), "-o", dir.path().join("e").to_str().unwrap()]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("stepwise verify"), "{}", stderr(&o));
}

#[test]
fn project_rebuild_asks_before_replacing_and_scripts_pass_yes() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("shop");
    let files = repo().join("samples/sql-joins/steps/01-welcome/files");
    let tree = stepwise_artifact::native::fs::read_tree(&files).unwrap();
    tree.write_dir(&proj).unwrap();
    let p = proj.to_str().unwrap();

    // Opening a project without playground.db rebuilds it silently.
    let o = stepwise(&["project", "open", p]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("rebuilt"));
    let db = proj.join("playground.db");
    let before = std::fs::read(&db).unwrap();

    // Without a terminal and without --yes, nothing is replaced, and the summary is shown.
    let o = stepwise(&["project", "rebuild", p]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("tables,")
            && stderr(&o).contains("rows will be recreated; the existing .db will be replaced"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let o = stepwise(&["project", "rebuild", p, "--yes"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let log = std::fs::read_to_string(proj.join("history.log")).unwrap();
    assert!(log.lines().all(|l| l.split('|').count() == 3 && l.contains("|ok|")), "{log}");

    // Export → rebuild in a new folder → same rows.
    let out = dir.path().join("copy");
    assert_eq!(code(&stepwise(&["project", "export", db.to_str().unwrap(), "-o", out.to_str().unwrap()])), 0);
    let o = stepwise(&["project", "open", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("customers  6 rows"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    assert_eq!(code(&stepwise(&["build", &sample(), "-o", db.to_str().unwrap()])), 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(["info", db.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn new_makes_a_workshop_that_builds_verifies_and_proves() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["sql", "k8s"] {
        let folder = dir.path().join(format!("{kind} workshop"));
        let o = stepwise(&["new", folder.to_str().unwrap(), "--kind", kind]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(folder.join("workshop.schema.json").exists() && folder.join(".gitignore").exists());
        let yaml = std::fs::read_to_string(folder.join("workshop.yaml")).unwrap();
        assert!(yaml.starts_with("# yaml-language-server: $schema=workshop.schema.json"), "{yaml}");
        assert!(yaml.contains(&format!("slug: {kind}-workshop")), "{yaml}");
        let db = dir.path().join(format!("{kind}.db"));
        assert_eq!(code(&stepwise(&["build", folder.to_str().unwrap(), "-o", db.to_str().unwrap()])), 0);
        let verify = stepwise(&["verify", db.to_str().unwrap()]);
        assert_eq!(code(&verify), 0, "{}", stderr(&verify));
        assert!(!String::from_utf8_lossy(&verify.stdout).contains("warning"), "every check has a solution");
        let test = stepwise(&["test", folder.to_str().unwrap()]);
        assert_eq!(code(&test), 0, "{}{}", String::from_utf8_lossy(&test.stdout), stderr(&test));
        assert_eq!(code(&stepwise(&["test", db.to_str().unwrap()])), 0);
    }
    // Not over an existing workshop.
    let again = stepwise(&["new", dir.path().join("sql workshop").to_str().unwrap()]);
    assert_eq!(code(&again), 3);
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
}

#[test]
fn test_names_the_file_and_line_of_a_check_that_cannot_pass_and_one_that_proves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("w");
    assert_eq!(code(&stepwise(&["new", folder.to_str().unwrap()])), 0);
    let path = folder.join("workshop.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    // Unsatisfiable: no city has 3 customers. Proves nothing: empty before any solution.
    let broken = yaml
        .replace("            - [Lyon, 2]", "            - [Lyon, 3]")
        .replace("query: SELECT id, name FROM paris ORDER BY id", "query: SELECT 1 WHERE 0");
    let broken = broken.replace(
        "        expect:\n          rows:                  # or: { scalar: 3 }, non_empty, empty\n            - [1, Ada]\n            - [4, Denis]",
        "        expect: empty",
    );
    std::fs::write(&path, &broken).unwrap();
    let o = stepwise(&["test", folder.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    let line = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let file = path.display().to_string();
    assert!(
        text.contains(&format!(
            "{file}:{}: step \"count-per-city\", check \"per-city\" fails after its solution",
            line("- id: per-city")
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{file}:{}: step \"filter-rows\", check \"paris-view\" passes before its solution",
            line("- id: paris-view")
        )),
        "{text}"
    );
    let json = stepwise(&["test", folder.to_str().unwrap(), "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["findings"].as_array().unwrap().len(), 2, "{value}");
    assert_eq!(value["findings"][0]["problem"], "proves_nothing");
}

#[test]
fn the_documented_schema_is_the_one_the_parser_uses() {
    let o = stepwise(&["schema"]);
    assert_eq!(code(&o), 0);
    let docs = std::fs::read_to_string(repo().join("docs/workshop.schema.json")).unwrap_or_default();
    assert!(
        docs == String::from_utf8_lossy(&o.stdout),
        "docs/workshop.schema.json is not what `stepwise schema` prints: run `stepwise schema > docs/workshop.schema.json`"
    );
    let value: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(value["properties"]["steps"].is_object() && value["$defs"]["ValidationDoc"].is_object(), "{value}");
}

#[test]
fn import_brings_in_a_codelab_with_its_images_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("img")).unwrap();
    std::fs::write(dir.path().join("img/venn.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
    let md = dir.path().join("joins.md");
    std::fs::write(
        &md,
        "id: joins\nsummary: Joins.\nauthor: Ada\ncategories: sql\n\n# Joins\n\n## First\nDuration: 1:30\n\n![Venn](img/venn.svg)\n\nPositive\n: Run it.\n\n## Second\n\nDone.\n",
    )
    .unwrap();
    let db = dir.path().join("joins.db");
    let form = dir.path().join("joins-text");
    let o =
        stepwise(&["import", md.to_str().unwrap(), "-o", db.to_str().unwrap(), "--text-form", form.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(code(&o), 0, "{text}{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("(Codelab)") && text.contains("2 step(s)"), "{text}");
    assert!(text.contains("  not carried: joins.md: the header's categories"), "{text}");
    assert!(form.join("assets/img/venn.svg").is_file() && form.join("workshop.yaml").is_file());
    assert_eq!(code(&stepwise(&["verify", db.to_str().unwrap()])), 0);
    // The text form builds to the same digest: an author can go on from it in Git.
    let again = dir.path().join("again.db");
    let built = stepwise(&["build", form.to_str().unwrap(), "-o", again.to_str().unwrap()]);
    let digest = |s: &str| s.split("(sha256:").nth(1).map(|d| d[..64].to_owned());
    assert_eq!(digest(&String::from_utf8_lossy(&built.stdout)), digest(&text));
    // A source that is neither says so in one line.
    std::fs::write(dir.path().join("notes.md"), "# Just notes\n").unwrap();
    let o = stepwise(&["import", dir.path().join("notes.md").to_str().unwrap(), "-o", db.to_str().unwrap()]);
    assert_ne!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("is neither a Killercoda scenario"));
}
