//! A validation's rule as `validation.spec` stores it: JSON with its `kind` first, read straight
//! from the JSON (`stepwise_protocol::tagged`). Every kind in the fixture reads back as written;
//! a field the kind does not have, a `kind` that is not first and a kind that does not exist are
//! refused, and a file with such a spec is refused as unreadable, naming the validation.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Error, Rule, open_checked};

const NOW: &str = "2026-01-01T00:00:00Z";

fn specs() -> Vec<String> {
    let conn = Connection::open(tiny_db()).unwrap();
    let mut stmt = conn.prepare("SELECT spec FROM validation ORDER BY step, position").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn every_kind_in_the_fixture_reads_back_as_written() {
    let specs = specs();
    let mut kinds: Vec<&str> = Vec::new();
    for spec in &specs {
        let rule: Rule = serde_json::from_str(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(&serde_json::to_string(&rule).unwrap(), spec);
        kinds.push(rule.kind());
    }
    for kind in ["sql", "answer", "manual", "external", "choice"] {
        assert!(kinds.contains(&kind), "the fixture has a {kind} rule");
    }
}

#[test]
fn what_a_rule_does_not_allow_is_refused_and_said() {
    let err = |json: &str| serde_json::from_str::<Rule>(json).unwrap_err().to_string();
    assert!(err(r#"{"kind":"manual","extra":1}"#).contains("unknown field `extra`"));
    assert!(err(r#"{"kind":"external","runner":"k","spec":"s","x":[]}"#).contains("unknown field `x`"));
    assert!(
        err(r#"{"kind":"choice","options":[],"multiple":true,"shuffle":true}"#).contains("unknown field `shuffle`")
    );
    assert!(
        err(r#"{"query":"SELECT 1","kind":"sql","expect":{"scalar":1}}"#)
            .contains("the first field of a rule must be its `kind`")
    );
    assert!(err(r#"{"kind":"quiz"}"#).contains(r#"a rule with an unknown kind "quiz""#));
    assert!(err(r#"{"kind":"sql","query":"SELECT 1"}"#).contains("missing field `expect`"));
    // `multiple` may be left out, as before.
    let rule: Rule = serde_json::from_str(r#"{"kind":"choice","options":[{"id":"a","text":"A"}]}"#).unwrap();
    assert!(matches!(rule, Rule::Choice { multiple: false, .. }));
}

#[test]
fn a_file_whose_rule_names_its_kind_later_is_unreadable_naming_the_validation() {
    let dir = tempdir();
    let path = copy_file(&tiny_db(), dir.path(), "tiny.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        r#"UPDATE validation SET spec = '{"runner":"kubectl","kind":"external","spec":"x"}' WHERE kind = 'external'"#,
    )
    .unwrap();
    conn.close().unwrap();
    match open_checked(Connection::open(&path).unwrap(), "tiny.db", NOW) {
        Err(Error::Corrupt { detail, .. }) => {
            assert!(detail.contains("unreadable rule") && detail.contains("first field"), "{detail}");
        }
        Err(other) => panic!("expected Corrupt, got {other}"),
        Ok(_) => panic!("a rule the worker cannot read must not open"),
    }
}
