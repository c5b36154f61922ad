//! The quick data sets: the contract's schema, row counts, NULLs and blobs, a workshop that
//! verifies, deterministic bytes, and a second `gen` that skips what is there.

use stepwise_artifact::rusqlite::Connection;
use stepwise_bench::data::{DataSet, generate_all};

#[test]
fn quick_data_sets_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let made = generate_all(dir.path(), true).unwrap();
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|g| g.made));

    let conn = Connection::open(dir.path().join("rows-10k.db")).unwrap();
    let columns: Vec<(String, String)> = conn
        .prepare("SELECT name, type FROM pragma_table_info('items') ORDER BY cid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = [
        ("id", "INTEGER"),
        ("category", "TEXT"),
        ("qty", "INTEGER"),
        ("price", "REAL"),
        ("note", "TEXT"),
        ("created", "TEXT"),
        ("payload", "BLOB"),
    ];
    assert_eq!(columns, expected.map(|(n, t)| (n.to_owned(), t.to_owned())));
    let (rows, cats, qty, price, note, payload, long, min_blob, max_blob): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT category), count(qty), count(price), count(note), count(payload),
                    count(CASE WHEN length(note) > 1000 THEN 1 END), min(length(payload)), max(length(payload))
             FROM items",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .unwrap();
    assert_eq!(rows, 10_000);
    assert_eq!(cats, 20);
    for (name, non_null) in [("qty", qty), ("price", price), ("note", note), ("payload", payload)] {
        assert!(non_null > 0 && non_null < rows, "{name}: {non_null} non-NULL of {rows}");
    }
    assert!((2_500..3_500).contains(&payload), "~30% blobs, got {payload}");
    assert!(long > 0, "some long notes");
    assert!(min_blob >= 16 && max_blob <= 2048, "blobs of 16 B to 2 KB, got {min_blob}..{max_blob}");
    let blob_type: String = conn
        .query_row("SELECT typeof(payload) FROM items WHERE payload IS NOT NULL LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blob_type, "blob");
    let categories: i64 = conn.query_row("SELECT count(*) FROM categories", [], |r| r.get(0)).unwrap();
    assert_eq!(categories, 20);

    let report = stepwise_artifact::verify_path(&dir.path().join("workshop-quick.db")).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let opened = stepwise_artifact::open_path(&dir.path().join("workshop-quick.db")).unwrap();
    let stepwise_artifact::Opened::Workshop(w) = opened else { panic!("not a workshop") };
    assert_eq!(w.workshop.steps.len(), 20);
    assert!(w.workshop.steps.iter().all(|s| !s.validations.is_empty() && s.content.starts_with("# ")));
    let big = w.workshop.steps.iter().flat_map(|s| &s.artifacts).filter(|a| a.data.len() >= 1_000_000).count();
    assert_eq!(big, 4, "a 1 MB archive on every fifth step");

    // Deterministic: made again elsewhere, the same bytes.
    let again = tempfile::tempdir().unwrap();
    DataSet::Rows(10_000).generate(&again.path().join("rows-10k.db")).unwrap();
    assert_eq!(
        std::fs::read(again.path().join("rows-10k.db")).unwrap(),
        std::fs::read(dir.path().join("rows-10k.db")).unwrap()
    );

    // Idempotent: a second run keeps the files; a stale stamp makes the file again.
    let second = generate_all(dir.path(), true).unwrap();
    assert!(second.iter().all(|g| !g.made));
    std::fs::write(dir.path().join("rows-10k.db.stamp"), "stepwise-bench data v0\n").unwrap();
    let third = generate_all(dir.path(), true).unwrap();
    assert_eq!(third.iter().map(|g| g.made).collect::<Vec<_>>(), [true, false]);
    let listing: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("datasets.json")).unwrap()).unwrap();
    assert!(listing["rows-10k.db"].as_u64().unwrap() > 0);
}
