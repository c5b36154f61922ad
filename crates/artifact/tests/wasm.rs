//! The artifact crate's code running as wasm32 in headless Chromium: SQLite through rusqlite on
//! sqlite-wasm-rs (in-memory VFS), and the model's JSON form, as the worker will use them.
//!
//! Run by `scripts/test.sh`, or by hand:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver
//! cargo test -p stepwise-artifact --target wasm32-unknown-unknown --test wasm`
#![cfg(target_arch = "wasm32")]

use rusqlite::Connection;
use stepwise_artifact::{
    AnswerExpect, Artifact, ArtifactKind, Asset, Rule, SqlExpect, Step, Unlock, Validation, Value,
    Workshop, WorkshopMeta,
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
    let rows: Vec<(String, i64, f64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [("Ada".to_owned(), 2, 20.0), ("Grace".to_owned(), 1, 30.0), ("Edsger".to_owned(), 0, 0.0)]
    );

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
        },
        steps: vec![Step {
            slug: "inner-join".into(),
            title: "Inner join".into(),
            minutes: Some(10),
            unlock: None,
            content: "# Inner join\n\nRows that match on both sides.\n".into(),
            validations: vec![
                Validation {
                    id: "count".into(),
                    prompt: "Count the orders per customer.".into(),
                    hint: Some("GROUP BY the customer.".into()),
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
                    hint: None,
                    rule: Rule::Answer {
                        expect: AnswerExpect::Exact { any_of: vec!["left".into()], case_sensitive: false },
                    },
                },
                Validation { id: "ok".into(), prompt: "Done?".into(), hint: None, rule: Rule::Manual {} },
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
