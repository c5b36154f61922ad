//! The artifact crate's code running as wasm32 in headless Chromium: SQLite through rusqlite on
//! sqlite-wasm-rs (in-memory VFS), and the model's JSON form, as the worker will use them.
//!
//! Run by `scripts/test.sh`, or by hand:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver
//! cargo test -p stepwise-artifact --target wasm32-unknown-unknown --test wasm`
#![cfg(target_arch = "wasm32")]

use rusqlite::Connection;
use stepwise_artifact::{
    AnswerExpect, Artifact, ArtifactKind, Asset, Rule, SqlExpect, Step, Unlock, Validation, Value, Workshop,
    WorkshopMeta,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn sqlite_creates_inserts_and_queries_in_memory() {
    let conn = Connection::open_in_memory().expect("in-memory database");
    conn.execute_batch(
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
         CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customer, total REAL) STRICT;
         INSERT INTO customer (name) VALUES ('Ada'), ('Grace'), ('Edsger');
         INSERT INTO orders (customer, total) VALUES (1, 12.5), (1, 7.5), (2, 30.0);",
    )
    .expect("schema and rows");

    let mut stmt = conn
        .prepare(
            "SELECT c.name, count(o.id), coalesce(sum(o.total), 0.0)
             FROM customer c LEFT JOIN orders o ON o.customer = c.id
             GROUP BY c.id ORDER BY c.id",
        )
        .unwrap();
    let rows: Vec<(String, i64, f64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows, [("Ada".to_owned(), 2, 20.0), ("Grace".to_owned(), 1, 30.0), ("Edsger".to_owned(), 0, 0.0)]);

    let version: String = conn.query_row("SELECT sqlite_version()", [], |r| r.get(0)).unwrap();
    assert!(version.starts_with("3."), "{version}");
}

#[wasm_bindgen_test]
fn sqlite_strict_tables_reject_wrong_types() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (n INTEGER NOT NULL) STRICT;").unwrap();
    assert!(conn.execute("INSERT INTO t VALUES ('not a number')", []).is_err());
}

#[wasm_bindgen_test]
fn workshop_round_trips_through_json() {
    let workshop = sample_workshop();
    let text = serde_json::to_string(&workshop).expect("encodes");
    let back: Workshop = serde_json::from_str(&text).expect("decodes");
    assert_eq!(back, workshop);
}

fn sample_workshop() -> Workshop {
    Workshop {
        meta: WorkshopMeta {
            slug: "sql-joins".into(),
            title: "SQL joins".into(),
            version: "1.0.0".into(),
            summary: "Join tables with confidence.".into(),
            authors: vec!["Ada".into()],
            language: "en".into(),
            license: Some("CC-BY-4.0".into()),
            unlock: Unlock::AfterPrevious,
            solution_after: 3,
        },
        steps: vec![Step {
            slug: "inner-join".into(),
            title: "Inner join".into(),
            minutes: Some(10),
            unlock: None,
            setup: None,
            content: "# Inner join\n\nRows that match on both sides.\n".into(),
            validations: vec![
                Validation {
                    id: "count".into(),
                    prompt: "Count the orders per customer.".into(),
                    hints: vec!["GROUP BY the customer.".into()],
                    solution: None,
                    feedback: None,
                    rule: Rule::Sql {
                        query: "SELECT name, n FROM v".into(),
                        expect: SqlExpect::Rows {
                            rows: vec![
                                vec![Value::Text("Ada".into()), Value::Integer(2), Value::Real(20.5)],
                                vec![Value::Text("Edsger".into()), Value::Null, Value::Real(-0.25)],
                            ],
                            ordered: false,
                        },
                    },
                },
                Validation {
                    id: "word".into(),
                    prompt: "Which join keeps unmatched rows?".into(),
                    hints: Vec::new(),
                    solution: None,
                    feedback: None,
                    rule: Rule::Answer {
                        expect: AnswerExpect::Exact { any_of: vec!["left".into()], case_sensitive: false },
                    },
                },
                Validation {
                    id: "ok".into(),
                    prompt: "Done?".into(),
                    hints: Vec::new(),
                    solution: None,
                    feedback: None,
                    rule: Rule::Manual {},
                },
            ],
            artifacts: vec![
                Artifact { kind: ArtifactKind::Manifests, data: b"kind: ConfigMap\n".to_vec() },
                Artifact { kind: ArtifactKind::Files, data: vec![0, 1, 2, 255] },
            ],
        }],
        assets: vec![Asset {
            path: "images/join.svg".into(),
            media_type: "image/svg+xml".into(),
            data: b"<svg/>".to_vec(),
        }],
    }
}

/// The `v2-tiny` fixture's text form, file by file, as the worker would receive it in a zip.
fn tiny_tree() -> stepwise_artifact::archive::FileTree {
    macro_rules! files {
        ($($path:literal),* $(,)?) => {{
            let mut t = stepwise_artifact::archive::FileTree::new();
            $( t.insert($path, include_bytes!(concat!("fixtures/v2-tiny/", $path)).to_vec()).unwrap(); )*
            t
        }};
    }
    files![
        "workshop.yaml",
        "assets/dot.svg",
        "data/check_result.csv",
        "data/cursor.csv",
        "data/learner.csv",
        "data/progress.csv",
        "data/step_setup.csv",
        "steps/01-first/content.md",
        "steps/01-first/files/hello.txt",
        "steps/01-first/files/sub/nested.txt",
        "steps/01-first/manifests.yaml",
        "steps/01-first/state.yaml",
        "steps/02-second/content.md",
        "steps/02-second/files.tar",
    ]
}

/// The digest the native tests pin for the same fixture: wasm and native must agree.
const TINY_DIGEST: &str = "sha256:4a68e33d485c4660d887e4e39aca7f89ba5687c43dbe39a2704fd62f5f5f0f85";

#[wasm_bindgen_test]
fn builds_opens_verifies_and_exports_a_workshop_like_natively() {
    let zip = tiny_tree().to_zip().unwrap();
    let tree = stepwise_artifact::archive::FileTree::from_zip("tiny.zip", &zip, &Default::default()).unwrap();
    let mut conn = Connection::open_in_memory().unwrap();
    let digest = stepwise_artifact::text::build(&tree, "tiny.zip", &mut conn).unwrap();
    assert_eq!(digest, TINY_DIGEST);

    let (conn, opened) = stepwise_artifact::open_checked(conn, "tiny.db", "2026-01-01T00:00:00Z").unwrap();
    let stepwise_artifact::Opened::Workshop(w) = opened else { panic!("not a workshop") };
    assert_eq!(w.workshop.steps.len(), 2);
    let report = stepwise_artifact::verify_connection(&conn, "tiny.db").unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);

    let exported = stepwise_artifact::text::export(&conn, "tiny.db").unwrap();
    assert_eq!(exported.get("data/progress.csv"), tree.get("data/progress.csv"));
    let mut again = Connection::open_in_memory().unwrap();
    assert_eq!(stepwise_artifact::text::build(&exported, "x", &mut again).unwrap(), TINY_DIGEST);
    let decompiled = stepwise_artifact::decompile::decompile(&conn, "tiny.db").unwrap();
    assert!(decompiled.contains("steps/01-first/manifests/01-pod-web.yaml"));
}

#[wasm_bindgen_test]
fn refuses_bad_input_with_the_same_messages_as_natively() {
    let mut tree = tiny_tree();
    tree.insert("workshop.yaml", b"version: 3\n".to_vec()).unwrap();
    let mut conn = Connection::open_in_memory().unwrap();
    let err = stepwise_artifact::text::build(&tree, "bad.zip", &mut conn).unwrap_err();
    assert_eq!(err.to_string(), "bad.zip/workshop.yaml: unsupported version 3 (this Stepwise reads version 2)");
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 0, "a failed build writes nothing");

    let header = stepwise_artifact::sniff("notes.db", b"hello, world\n", 13).unwrap_err();
    assert!(header.to_string().contains("a text file"), "{header}");
    let fixture = include_bytes!("fixtures/v2-tiny.db");
    let ok = stepwise_artifact::sniff("tiny.db", &fixture[..4096], fixture.len() as u64).unwrap();
    assert_eq!(ok.application_id, stepwise_artifact::APPLICATION_ID);
    let cut = stepwise_artifact::sniff("tiny.db", &fixture[..4096], 8192).unwrap_err();
    assert!(matches!(cut, stepwise_artifact::Error::Truncated { .. }), "{cut}");
}

#[wasm_bindgen_test]
fn runs_checks_and_projects_in_the_browser() {
    let mut workspace = Connection::open_in_memory().unwrap();
    workspace.execute_batch("CREATE TABLE t (x INTEGER, y TEXT); INSERT INTO t VALUES (1, 'one'), (2, NULL);").unwrap();
    let pass = Rule::Sql { query: "SELECT count(*) FROM t".into(), expect: SqlExpect::Scalar(Value::Integer(2)) };
    let outcome = stepwise_artifact::rules::check(&pass, &mut workspace, None);
    assert!(outcome.passed && outcome.verified, "{}", outcome.message);
    let fail = Rule::Sql { query: "SELECT count(*) FROM t".into(), expect: SqlExpect::Scalar(Value::Integer(3)) };
    assert!(!stepwise_artifact::rules::check(&fail, &mut workspace, None).passed);

    let project = stepwise_artifact::project::export(&workspace, "ws").unwrap();
    let mut rebuilt = Connection::open_in_memory().unwrap();
    let summary = stepwise_artifact::project::rebuild(&project, &mut rebuilt).unwrap();
    assert_eq!(summary.counts(), "1 table, 2 rows");
    assert_eq!(stepwise_artifact::project::export(&rebuilt, "ws").unwrap(), project);
}
