//! The rule engine: every kind of check, comparisons, the budget and the sandbox.

use super::*;
use crate::model::{AnswerExpect, Rule, SqlExpect, Value};

/// A workspace with a few customers, as a learner might have left it.
fn workspace() -> Connection {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT, score REAL, photo BLOB);
             INSERT INTO customers VALUES
               (1, 'Ada', 'London', 5.0, x'00010203'),
               (2, 'Grace', NULL, 4.5, NULL),
               (3, 'Edsger', 'Austin', NULL, NULL);",
    )
    .unwrap();
    c
}

fn sql(query: &str, expect: SqlExpect) -> Rule {
    Rule::Sql { query: query.into(), expect }
}

fn run(rule: &Rule) -> Outcome {
    check(rule, &mut workspace(), None)
}

fn rows(rows: Vec<Vec<Value>>, ordered: bool) -> SqlExpect {
    SqlExpect::Rows { rows, ordered }
}

fn i(v: i64) -> Value {
    Value::Integer(v)
}

fn t(v: &str) -> Value {
    Value::Text(v.into())
}

/// Asserts a failed, verified outcome with exactly this message.
#[track_caller]
fn fails(o: Outcome, message: &str) {
    assert_eq!((o.passed, o.verified, o.message.as_str()), (false, true, message));
}

#[track_caller]
fn passes(o: Outcome) {
    assert!(o.passed && o.verified, "{o:?}");
}

#[test]
fn scalar_passes_and_fails() {
    let o = run(&sql("SELECT count(*) FROM customers", SqlExpect::Scalar(i(3))));
    passes(o.clone());
    assert_eq!(o.message, "correct");
    let r = o.rows.unwrap();
    assert_eq!((r.columns, r.rows, r.truncated), (vec!["count(*)".to_owned()], vec![vec![i(3)]], false));

    fails(run(&sql("SELECT count(*) FROM customers", SqlExpect::Scalar(i(5)))), "expected 5, got 3");
    fails(run(&sql("SELECT id, name FROM customers", SqlExpect::Scalar(i(1)))), "expected one column, got 2");
    fails(run(&sql("SELECT id FROM customers", SqlExpect::Scalar(i(1)))), "expected one row, got 3");
    fails(run(&sql("SELECT id FROM customers WHERE 0", SqlExpect::Scalar(i(1)))), "expected one row, got none");
}

#[test]
fn integers_and_reals_compare_numerically() {
    passes(run(&sql("SELECT score FROM customers WHERE id = 1", SqlExpect::Scalar(i(5)))));
    passes(run(&sql("SELECT 5", SqlExpect::Scalar(Value::Real(5.0)))));
    passes(run(&sql(
        "SELECT avg(x) FROM (SELECT 0.1 AS x UNION ALL SELECT 0.2 UNION ALL SELECT 0.3)",
        SqlExpect::Scalar(Value::Real(0.2)),
    )));
    fails(run(&sql("SELECT 5.5", SqlExpect::Scalar(i(5)))), "expected 5, got 5.5");
    fails(
        run(&sql("SELECT i64", SqlExpect::Scalar(i(5)))),
        "the query failed: no such column: i64 — does your table have it?",
    );
}

#[test]
fn text_and_null_compare_exactly() {
    passes(run(&sql("SELECT name FROM customers WHERE id = 2", SqlExpect::Scalar(t("Grace")))));
    fails(
        run(&sql("SELECT name FROM customers WHERE id = 2", SqlExpect::Scalar(t("grace")))),
        "expected 'grace', got 'Grace'",
    );
    passes(run(&sql("SELECT city FROM customers WHERE id = 2", SqlExpect::Scalar(Value::Null))));
    fails(run(&sql("SELECT '5'", SqlExpect::Scalar(i(5)))), "expected 5, got '5' (text, not a number)");
    fails(run(&sql("SELECT 5", SqlExpect::Scalar(t("5")))), "expected '5', got 5 (a number, not text)");
    fails(run(&sql("SELECT 'NULL'", SqlExpect::Scalar(Value::Null))), "expected NULL, got 'NULL' (text, not NULL)");
    fails(run(&sql("SELECT NULL", SqlExpect::Scalar(i(0)))), "expected 0, got NULL (NULL, not a number)");
}

#[test]
fn rows_in_order() {
    let want = vec![vec![i(1), t("Ada")], vec![i(2), t("Grace")], vec![i(3), t("Edsger")]];
    passes(run(&sql("SELECT id, name FROM customers ORDER BY id", rows(want.clone(), true))));

    let mut wrong = want.clone();
    wrong[1][1] = t("grace");
    fails(
        run(&sql("SELECT id, name FROM customers ORDER BY id", rows(wrong, true))),
        "row 2 differs: expected (2, 'grace'), got (2, 'Grace')",
    );
    fails(
        run(&sql("SELECT id, name FROM customers ORDER BY id DESC", rows(want.clone(), true))),
        "row 1 differs: expected (1, 'Ada'), got (3, 'Edsger') (the same rows, in another order)",
    );
    fails(
        run(&sql("SELECT id, name FROM customers WHERE id < 3 ORDER BY id", rows(want.clone(), true))),
        "expected 3 rows, got 2",
    );
    fails(run(&sql("SELECT id, name, city FROM customers", rows(want.clone(), true))), "expected 2 columns, got 3");
    fails(
        run(&sql(
            "SELECT id, CAST(id AS TEXT) FROM customers ORDER BY id",
            rows(vec![vec![i(1), i(1)], vec![i(2), i(2)], vec![i(3), i(3)]], true),
        )),
        "row 1 differs: expected (1, 1), got (1, '1') (column CAST(id AS TEXT): text, not a number)",
    );
}

#[test]
fn rows_in_any_order_compare_as_a_multiset() {
    let want = vec![vec![t("Austin")], vec![Value::Null], vec![t("London")]];
    passes(run(&sql("SELECT city FROM customers ORDER BY name", rows(want.clone(), false))));
    passes(run(&sql("SELECT city FROM customers ORDER BY name DESC", rows(want, false))));
    // Duplicates count: two NULLs are not one NULL and one 'London'.
    fails(
        run(&sql("SELECT NULL UNION ALL SELECT NULL", rows(vec![vec![Value::Null], vec![t("London")]], false))),
        "got (NULL), which is not among the expected rows (order does not matter); missing ('London')",
    );
    passes(run(&sql("SELECT 1 WHERE 0", rows(vec![], false))));
}

#[test]
fn non_empty_and_empty() {
    passes(run(&sql("SELECT * FROM customers", SqlExpect::NonEmpty)));
    fails(
        run(&sql("SELECT * FROM customers WHERE id > 9", SqlExpect::NonEmpty)),
        "expected at least one row, got none",
    );
    passes(run(&sql("SELECT * FROM customers WHERE id > 9", SqlExpect::Empty)));
    fails(run(&sql("SELECT * FROM customers", SqlExpect::Empty)), "expected no rows, got 3");
}

#[test]
fn blobs_are_shown_not_compared_as_text() {
    let o = run(&sql("SELECT photo FROM customers WHERE id = 1", SqlExpect::Scalar(t("<blob 4 bytes>"))));
    fails(o.clone(), "expected '<blob 4 bytes>', got <blob 4 bytes> (a blob, not text)");
    assert_eq!(o.rows.unwrap().rows, vec![vec![t("<blob 4 bytes>")]]);
}

#[test]
fn a_missing_table_is_named_with_sqlites_words() {
    fails(
        run(&sql("SELECT * FROM answer_step3", SqlExpect::NonEmpty)),
        "the query failed: no such table: answer_step3 — did you create it?",
    );
    fails(
        run(&sql("SELECT email FROM customers", SqlExpect::NonEmpty)),
        "the query failed: no such column: email — does your table have it?",
    );
}

#[test]
fn a_check_never_writes() {
    let mut ws = workspace();
    for q in [
        "DELETE FROM customers",
        "INSERT INTO customers (name) VALUES ('Mallory') RETURNING id",
        "DROP TABLE customers",
        "UPDATE customers SET name = 'x'",
    ] {
        let o = check(&sql(q, SqlExpect::NonEmpty), &mut ws, None);
        assert_eq!(
            (o.passed, o.verified, o.message.as_str()),
            (
                false,
                false,
                "this check is broken (its query would change your workspace, so it is not run); please tell the workshop author"
            ),
            "{q}"
        );
    }
    // Statements SQLite calls read-only that still change the learner's connection.
    for (q, what) in [
        ("BEGIN", "a transaction statement"),
        ("SAVEPOINT a", "a transaction statement"),
        ("ATTACH ':memory:' AS other", "ATTACH"),
        ("DETACH temp", "DETACH"),
        ("PRAGMA foreign_keys = ON", "PRAGMA foreign_keys"),
        ("PRAGMA max_page_count = 10", "PRAGMA max_page_count"),
        ("PRAGMA hard_heap_limit(5)", "PRAGMA hard_heap_limit"),
        ("PRAGMA main.locking_mode = exclusive", "PRAGMA locking_mode"),
        ("PRAGMA optimize", "PRAGMA optimize"),
    ] {
        let o = check(&sql(q, SqlExpect::NonEmpty), &mut ws, None);
        assert_eq!(
            o.message,
            format!(
                "this check is broken (its query uses {what}, which a check may not); \
                     please tell the workshop author"
            ),
            "{q}"
        );
        assert!(!o.passed && !o.verified);
    }
    // Reading the schema is fine, with or without an argument.
    for q in [
        "PRAGMA table_info(customers)",
        "PRAGMA main.table_info('customers')",
        "SELECT name FROM pragma_table_info('customers')",
        "PRAGMA foreign_keys",
        "PRAGMA integrity_check",
        "SELECT name FROM sqlite_schema",
    ] {
        passes(check(&sql(q, SqlExpect::NonEmpty), &mut ws, None));
    }
    // The authorizer is gone afterwards: the learner's own statements run.
    run_query(&mut ws, "PRAGMA foreign_keys = ON", 10).unwrap();
    run_query(&mut ws, "CREATE TABLE orders (id INTEGER)", 10).unwrap();
    let n: i64 = ws.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 3);
    assert!(ws.is_autocommit());
}

#[test]
fn a_check_runs_exactly_one_statement() {
    let mut ws = workspace();
    for q in ["SELECT 1; DELETE FROM customers", "SELECT 1; SELECT 2", "SELECT 1; nonsense here"] {
        let o = check(&sql(q, SqlExpect::NonEmpty), &mut ws, None);
        assert_eq!(
            o.message, "this check is broken (its query has more than one statement); please tell the workshop author",
            "{q}"
        );
        assert!(!o.passed && !o.verified);
    }
    // A trailing semicolon or comment is still one statement.
    passes(check(&sql("SELECT 1; -- done\n", SqlExpect::NonEmpty), &mut ws, None));
    let o = check(&sql("  -- nothing\n", SqlExpect::NonEmpty), &mut ws, None);
    assert!(o.message.contains("its query is empty"));
}

#[test]
fn a_runaway_query_is_stopped() {
    let mut ws = workspace();
    let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";
    let o = check(&sql(endless, SqlExpect::Scalar(i(1))), &mut ws, None);
    assert!(!o.passed && !o.verified, "{o:?}");
    assert!(o.message.starts_with("the check was stopped: it ran for more than 50 million steps"), "{}", o.message);
    // The budget is gone afterwards and the connection works.
    let n: i64 = ws
        .query_row(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) SELECT count(*) FROM n",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 100_000);
    let e = run_query(&mut ws, endless, 10).unwrap_err();
    assert!(e.starts_with("the statement was stopped"), "{e}");
}

#[test]
fn the_budget_counts_instructions() {
    let mut ws = workspace();
    let q = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000) SELECT count(*) FROM n";
    assert_eq!(execute(&mut ws, q, Access::ReadOnly, 1, 100_000).unwrap().total, 1);
    assert_eq!(execute(&mut ws, q, Access::ReadOnly, 1, 2_000).err(), Some(QueryError::Budget));
}

#[test]
fn check_rows_are_capped() {
    let q = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 250) SELECT x FROM n";
    let o = run(&sql(q, SqlExpect::NonEmpty));
    assert_eq!(o.message, "correct: 250 rows");
    let r = o.rows.unwrap();
    assert_eq!((r.rows.len(), r.truncated), (MAX_ROWS, true));
    // Expected rows beyond the display cap are still all compared.
    let want: Vec<Vec<Value>> = (1..=250).map(|x| vec![i(x)]).collect();
    passes(run(&sql(q, rows(want.clone(), true))));
    let mut wrong = want;
    wrong[239] = vec![i(0)];
    fails(run(&sql(q, rows(wrong, true))), "row 240 differs: expected (0), got (240)");
}

#[test]
fn run_query_allows_writes_and_returns_rows() {
    let mut ws = workspace();
    let r = run_query(&mut ws, "INSERT INTO customers (name) VALUES ('Barbara')", 10).unwrap();
    assert_eq!((r.columns.len(), r.rows.len(), r.truncated), (0, 0, false));
    let r = run_query(&mut ws, "SELECT id, name, photo, score FROM customers ORDER BY id", 2).unwrap();
    assert_eq!(r.columns, ["id", "name", "photo", "score"]);
    assert_eq!(
        r.rows,
        vec![
            vec![i(1), t("Ada"), t("<blob 4 bytes>"), Value::Real(5.0)],
            vec![i(2), t("Grace"), Value::Null, Value::Real(4.5)]
        ]
    );
    assert!(r.truncated);
    assert_eq!(run_query(&mut ws, "SELECT count(*) FROM customers", 10).unwrap().rows, vec![vec![i(4)]]);
}

#[test]
fn run_query_errors_are_sqlites_words() {
    let mut ws = workspace();
    assert_eq!(run_query(&mut ws, "SELECT * FROM nope", 10).unwrap_err(), "no such table: nope");
    assert_eq!(run_query(&mut ws, "SELEC 1", 10).unwrap_err(), r#"near "SELEC": syntax error"#);
    assert_eq!(
        run_query(&mut ws, "INSERT INTO customers (id) VALUES (1)", 10).unwrap_err(),
        "UNIQUE constraint failed: customers.id"
    );
    assert_eq!(
        run_query(&mut ws, "DELETE FROM customers; DROP TABLE customers", 10).unwrap_err(),
        "run one statement at a time: remove everything after the first `;`"
    );
    assert_eq!(run_query(&mut ws, " ", 10).unwrap_err(), "there is no statement to run");
    // Nothing of the refused batch ran.
    assert_eq!(run_query(&mut ws, "SELECT count(*) FROM customers", 10).unwrap().rows, vec![vec![i(3)]]);
}

fn answer(expect: AnswerExpect, input: Option<&str>) -> Outcome {
    check(&Rule::Answer { expect }, &mut Connection::open_in_memory().unwrap(), input)
}

fn any_of(a: &[&str], case_sensitive: bool) -> AnswerExpect {
    AnswerExpect::Exact { any_of: a.iter().map(|s| s.to_string()).collect(), case_sensitive }
}

#[test]
fn answers_are_normalised_and_case_insensitive_by_default() {
    let e = any_of(&["LEFT JOIN", "LEFT  OUTER JOIN "], false);
    passes(answer(e.clone(), Some("left join")));
    passes(answer(e.clone(), Some("  Left\t outer\njoin  ")));
    fails(answer(e.clone(), Some("inner join")), "not the expected answer; try again");
    fails(answer(e.clone(), None), "type an answer first");
    fails(answer(e, Some("  \n ")), "type an answer first");
}

#[test]
fn case_sensitive_answers() {
    let e = any_of(&["COUNT(*)"], true);
    passes(answer(e.clone(), Some(" COUNT(*) ")));
    fails(answer(e.clone(), Some("count(*)")), "almost: check upper and lower case");
    fails(answer(e, Some("sum(*)")), "not the expected answer; try again");
}

#[test]
fn patterns_match_the_whole_normalised_answer() {
    let e = AnswerExpect::Pattern { regex: r"\d+ rows?".into() };
    passes(answer(e.clone(), Some("  12   rows ")));
    passes(answer(e.clone(), Some("1 row")));
    fails(answer(e.clone(), Some("about 12 rows")), "not the expected answer; try again");
    fails(answer(e, Some("12 rows!")), "not the expected answer; try again");
    // An alternation is anchored as a whole.
    let e = AnswerExpect::Pattern { regex: "left|right".into() };
    fails(answer(e.clone(), Some("leftover")), "not the expected answer; try again");
    fails(answer(e.clone(), Some("Left")), "not the expected answer; try again");
    passes(answer(AnswerExpect::Pattern { regex: "(?i)left|right".into() }, Some("Left")));
}

#[test]
fn a_broken_answer_check_says_so_without_the_answer() {
    let o = answer(AnswerExpect::Pattern { regex: "(secret".into() }, Some("x"));
    assert_eq!(
        (o.passed, o.verified, o.message.as_str()),
        (
            false,
            false,
            "this check is broken (its pattern is not a valid regular expression); please tell the workshop author"
        )
    );
    // Unbalanced groups are not "balanced" by the anchoring wrapper.
    let o = answer(AnswerExpect::Pattern { regex: "a)|(b".into() }, Some("abc"));
    assert!(!o.passed && !o.verified && o.message.starts_with("this check is broken"));
    let o = answer(any_of(&[], false), Some("x"));
    assert!(!o.passed && !o.verified && o.message.contains("accepts no answer"));
}

#[test]
fn manual_and_external_are_the_learners_word() {
    let mut ws = Connection::open_in_memory().unwrap();
    let manual = Rule::Manual {};
    let o = check(&manual, &mut ws, Some(CONFIRMED));
    assert_eq!((o.passed, o.verified, o.message.as_str()), (true, false, "confirmed"));
    assert!(check(&manual, &mut ws, Some(" Yes ")).passed);
    for input in [None, Some(""), Some("no"), Some("SELECT 1")] {
        let o = check(&manual, &mut ws, input);
        assert_eq!((o.passed, o.verified, o.message.as_str()), (false, false, "confirm when you have done it"));
    }

    let external = Rule::External { runner: "goss".into(), spec: "command: {}".into() };
    let o = check(&external, &mut ws, None);
    assert_eq!(
        (o.passed, o.verified, o.message.as_str(), o.rows),
        (false, false, "checked outside Stepwise: run the spec yourself", None)
    );
    let o = check(&external, &mut ws, Some("yes"));
    assert!(o.passed && !o.verified);
}

#[test]
fn outcomes_cross_the_worker_boundary_as_json() {
    let o = run(&sql("SELECT id, name FROM customers WHERE id = 1", SqlExpect::NonEmpty));
    let j = serde_json::to_string(&o).unwrap();
    assert_eq!(
        j,
        r#"{"passed":true,"verified":true,"message":"correct: one row","rows":{"columns":["id","name"],"rows":[[1,"Ada"]],"truncated":false}}"#
    );
    assert_eq!(serde_json::from_str::<Outcome>(&j).unwrap(), o);
}

#[test]
fn validate_rule_finds_authoring_mistakes() {
    let ok = |r: &Rule| validate_rule(r);
    assert_eq!(ok(&sql("SELECT count(*) FROM customers", SqlExpect::Scalar(i(5)))), Ok(()));
    assert_eq!(ok(&sql("WITH x AS (SELECT 1) SELECT * FROM x", SqlExpect::NonEmpty)), Ok(()));
    assert_eq!(ok(&sql(" ", SqlExpect::NonEmpty)), Err("the query is empty".into()));
    assert_eq!(ok(&sql("-- todo", SqlExpect::NonEmpty)), Err("the query is only a comment".into()));
    assert_eq!(
        ok(&sql("SELEC 1", SqlExpect::NonEmpty)),
        Err(r#"the query does not parse: near "SELEC": syntax error"#.into())
    );
    assert_eq!(ok(&sql("SELECT (1", SqlExpect::NonEmpty)), Err("the query does not parse: incomplete input".into()));
    assert_eq!(
        ok(&sql("SELECT 1; SELECT 2", SqlExpect::NonEmpty)),
        Err("the query has more than one statement; a check runs exactly one".into())
    );
    assert!(ok(&sql("CREATE TABLE t (x)", SqlExpect::Empty)).unwrap_err().contains("changes the database"));
    assert_eq!(
        ok(&sql("PRAGMA max_page_count = 1", SqlExpect::NonEmpty)),
        Err("the query uses PRAGMA max_page_count, which a check may not".into())
    );
    assert_eq!(ok(&sql("SELECT * FROM not_yet_created", SqlExpect::NonEmpty)), Ok(()));
    assert_eq!(
        ok(&sql(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n",
            SqlExpect::NonEmpty
        )),
        Ok(())
    );
    assert_eq!(
        ok(&sql("BEGIN", SqlExpect::Empty)),
        Err("the query uses a transaction statement, which a check may not".into())
    );
    assert_eq!(
        ok(&sql("SELECT 1, 2", rows(vec![vec![i(1), i(2)], vec![i(1)], vec![Value::Real(f64::NAN), i(2)]], true))),
        Err("expected row 2 has one value but row 1 has 2; expected row 3 holds NaN, which is not a finite number"
            .into())
    );
    assert!(ok(&sql("SELECT 1", rows(vec![vec![]], true))).unwrap_err().contains("no values"));

    assert_eq!(ok(&Rule::Answer { expect: any_of(&["a"], false) }), Ok(()));
    assert_eq!(ok(&Rule::Answer { expect: any_of(&[], false) }), Err("`any_of` lists no answer".into()));
    assert_eq!(ok(&Rule::Answer { expect: any_of(&["a", "  "], false) }), Err("answer 2 of `any_of` is blank".into()));
    assert_eq!(ok(&Rule::Answer { expect: AnswerExpect::Pattern { regex: r"\d+".into() } }), Ok(()));
    assert_eq!(
        ok(&Rule::Answer { expect: AnswerExpect::Pattern { regex: "".into() } }),
        Err("the pattern is empty".into())
    );
    assert!(
        ok(&Rule::Answer { expect: AnswerExpect::Pattern { regex: "a)|(b".into() } })
            .unwrap_err()
            .starts_with("the pattern does not compile: ")
    );

    assert_eq!(ok(&Rule::Manual {}), Ok(()));
    assert_eq!(ok(&Rule::External { runner: "goss".into(), spec: "x".into() }), Ok(()));
    assert_eq!(
        ok(&Rule::External { runner: " ".into(), spec: "".into() }),
        Err("`runner` is empty (say what runs the spec: goss, shell, kubectl…); `spec` is empty".into())
    );
}

#[test]
fn run_statements_runs_a_script_and_shows_the_last_rows() {
    let mut ws = workspace();
    let (r, n) = run_statements(
        &mut ws,
        "INSERT INTO customers (name) VALUES ('Barbara'); SELECT count(*) AS n FROM customers; DELETE FROM customers WHERE name = 'x';",
        10,
    )
    .unwrap();
    assert_eq!((r.columns, r.rows, n), (vec!["n".to_owned()], vec![vec![i(4)]], 3), "the last rows, not the DELETE's");
    let (r, n) = run_statements(&mut ws, "-- nothing but\nUPDATE customers SET score = 1", 10).unwrap();
    assert_eq!((r.columns.len(), n), (0, 1));
    assert_eq!(run_statements(&mut ws, "  -- a comment", 10).unwrap_err(), "there is no statement to run");
    assert_eq!(
        run_statements(&mut ws, "SELECT 1; SELECT * FROM nope; SELECT 3", 10).unwrap_err(),
        "statement 2: no such table: nope"
    );
    let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";
    let e = run_statements(&mut ws, &format!("SELECT 1; {endless}"), 10).unwrap_err();
    assert!(e.starts_with("the statements were stopped"), "{e}");
}

#[test]
fn feedback_goes_with_failures_on_their_merits_only() {
    let mut ws = workspace();
    let with_feedback = |rule: Rule| crate::model::Validation {
        id: "v".into(),
        prompt: String::new(),
        hints: vec![],
        rule,
        solution: None,
        feedback: Some("Think of the Londoners.".into()),
    };
    let wrong = with_feedback(sql("SELECT count(*) FROM customers", SqlExpect::Scalar(i(9))));
    let o = check(&wrong.rule, &mut ws, None);
    assert!(shows_feedback(&wrong, o.passed, &o.message, None));
    assert!(!shows_feedback(&wrong, true, "correct", None));
    let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";
    let stopped = with_feedback(sql(endless, SqlExpect::Scalar(i(1))));
    let o = check(&stopped.rule, &mut ws, None);
    assert!(!o.verified && !shows_feedback(&stopped, o.passed, &o.message, None), "{}", o.message);
    let broken = with_feedback(sql("DELETE FROM customers", SqlExpect::NonEmpty));
    let o = check(&broken.rule, &mut ws, None);
    assert!(!o.verified && !shows_feedback(&broken, o.passed, &o.message, None), "{}", o.message);
    let missing = with_feedback(sql("SELECT count(*) FROM nowhere", SqlExpect::Scalar(i(1))));
    let o = check(&missing.rule, &mut ws, None);
    assert!(!shows_feedback(&missing, o.passed, &o.message, None), "Stepwise's words say what is missing");
    let manual = with_feedback(Rule::Manual {});
    assert!(!shows_feedback(&manual, false, "confirm when you have done it", None));
}

#[test]
fn a_playground_statement_stops_when_its_caller_says_so_and_not_by_the_instruction_budget() {
    let mut ws = Connection::open_in_memory().unwrap();
    ws.execute_batch("CREATE TABLE n (x); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) INSERT INTO n SELECT x FROM c;")
        .unwrap();
    // A join without a condition: 8 billion rows. Stopped after ~100,000 instructions.
    let mut asked = 0;
    let stopped = run_query_until(&mut ws, "SELECT count(*) FROM n a, n b, n c", 10, move || {
        asked += 1;
        asked > 100
    });
    assert_eq!(stopped.unwrap_err(), QueryStop::Stopped);
    // Past the checks' budget of instructions when nothing stops it: 4 million rows counted.
    let counted = run_query_until(&mut ws, "SELECT count(*) FROM n a, n b", 10, || false).unwrap();
    assert_eq!(counted.rows[0][0], Value::Integer(4_000_000));
    assert!(matches!(run_query(&mut ws, "SELECT count(*) FROM n a, n b, n c", 10), Err(m) if m.contains("stopped")));
    // The connection is usable after a stop, and SQLite's own errors come through.
    assert_eq!(
        run_query_until(&mut ws, "SELECT * FROM nowhere", 10, || false).unwrap_err(),
        QueryStop::Failed("no such table: nowhere".to_owned())
    );
}
