//! The CSV reader, writer and cell encodings.

use super::*;
use rusqlite::types::Value;

use crate::error::{Error, Result};
use proptest::prelude::*;

fn read_all(input: &str) -> Result<Vec<(u64, Vec<Option<String>>)>> {
    Reader::new("t.csv", input.as_bytes())?
        .map(|r| r.map(|(line, f)| (line, f.iter().map(|f| f.as_opt().map(str::to_owned)).collect())))
        .collect()
}

fn check(input: &str, expected: &[&[Option<&str>]]) {
    let got = read_all(input).unwrap();
    let got: Vec<Vec<Option<&str>>> = got.iter().map(|(_, r)| r.iter().map(|f| f.as_deref()).collect()).collect();
    assert_eq!(got, expected, "input {input:?}");
}

fn check_err(input: &[u8], line: u64, reason: &str) {
    let err = Reader::new("t.csv", input).and_then(|r| r.collect::<Result<Vec<_>>>()).unwrap_err();
    match &err {
        Error::Csv { file, line: l, reason: r } => {
            assert_eq!(file, "t.csv");
            assert_eq!(*l, line, "{err}");
            assert!(r.contains(reason), "{err}");
        }
        other => panic!("{other}"),
    }
}

// The csv-spectrum cases, plus NULL against "".
#[test]
fn spectrum() {
    check("a,b,c\n1,2,3\n", &[&[Some("a"), Some("b"), Some("c")], &[Some("1"), Some("2"), Some("3")]]);
    check("a,b\r\n1,2\r\n", &[&[Some("a"), Some("b")], &[Some("1"), Some("2")]]);
    check("a,b\n1,2", &[&[Some("a"), Some("b")], &[Some("1"), Some("2")]]);
    check("a,b\n\"x, y\",2\n", &[&[Some("a"), Some("b")], &[Some("x, y"), Some("2")]]);
    check("a\n\"he said \"\"hi\"\"\"\n", &[&[Some("a")], &[Some("he said \"hi\"")]]);
    check("a,b\n\"line 1\nline 2\",x\n", &[&[Some("a"), Some("b")], &[Some("line 1\nline 2"), Some("x")]]);
    check("a,b\n\"crlf\r\ninside\",x\r\n", &[&[Some("a"), Some("b")], &[Some("crlf\r\ninside"), Some("x")]]);
    check("a,b\nJoël,日本\n", &[&[Some("a"), Some("b")], &[Some("Joël"), Some("日本")]]);
    check("a,b,c\n,\"\",\n", &[&[Some("a"), Some("b"), Some("c")], &[None, Some(""), None]]);
    check("a\n\n\"\"\n", &[&[Some("a")], &[None], &[Some("")]]);
    check("\u{feff}a\n1\n", &[&[Some("a")], &[Some("1")]]);
    check("", &[]);
}

#[test]
fn lines_are_counted_across_embedded_newlines() {
    let got = read_all("h\n\"a\nb\nc\"\nnext\n").unwrap();
    assert_eq!(got.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![1, 2, 5]);
}

#[test]
fn refusals() {
    check_err(b"a,b\n1,\"open\n2,3\n", 2, "quote opened on line 2 is never closed");
    check_err(b"a\nab\"c\n", 2, "quote inside an unquoted field");
    check_err(b"a\n\"ab\"c\n", 2, "after a closing quote");
    check_err(b"a\nx\ry\n", 2, "carriage return");
    check_err(b"a\nok\n\xff\xfe\n", 3, "not valid UTF-8");
}

#[test]
fn writer_quotes_when_needed() {
    let mut out = String::new();
    write_record(
        &mut out,
        [
            Some("plain"),
            None,
            Some(""),
            Some("a,b"),
            Some("q\"q"),
            Some(" lead"),
            Some("trail "),
            Some("n\nl"),
            Some("c\rr"),
        ],
    );
    assert_eq!(out, "plain,,\"\",\"a,b\",\"q\"\"q\",\" lead\",\"trail \",\"n\nl\",\"c\rr\"\n");
}

#[test]
fn cells() {
    let enc = |v: Value, e| encode_cell(&v, e);
    assert_eq!(enc(Value::Null, Encoding::Text), Some(None));
    assert_eq!(enc(Value::Integer(i64::MIN), Encoding::Text), Some(Some("-9223372036854775808".into())));
    assert_eq!(enc(Value::Real(1.0), Encoding::Text), Some(Some("1.0".into())));
    assert_eq!(enc(Value::Real(1e300), Encoding::Text), Some(Some("1e300".into())));
    assert_eq!(enc(Value::Real(f64::INFINITY), Encoding::Text), Some(Some("1e999".into())));
    assert_eq!(enc(Value::Real(f64::NEG_INFINITY), Encoding::Tagged), Some(Some("r:-1e999".into())));
    assert_eq!(enc(Value::Blob(b"hello".to_vec()), Encoding::Text), None);
    assert_eq!(enc(Value::Blob(b"hello".to_vec()), Encoding::Base64), Some(Some("aGVsbG8=".into())));
    assert_eq!(enc(Value::Text("x".into()), Encoding::Base64), None);
    assert_eq!(enc(Value::Text("a:b".into()), Encoding::Tagged), Some(Some("t:a:b".into())));

    let f = |text: &str, quoted| Field { text: text.into(), quoted };
    let dec = |field: &Field, e| decode_cell(field, e, "d.csv", 7, "c");
    assert_eq!(dec(&f("", false), Encoding::Tagged).unwrap(), Value::Null);
    assert_eq!(dec(&f("", true), Encoding::Text).unwrap(), Value::Text(String::new()));
    assert_eq!(dec(&f("", true), Encoding::Base64).unwrap(), Value::Blob(Vec::new()));
    assert_eq!(dec(&f("i:-5", false), Encoding::Tagged).unwrap(), Value::Integer(-5));
    assert_eq!(dec(&f("r:1e999", false), Encoding::Tagged).unwrap(), Value::Real(f64::INFINITY));
    assert_eq!(dec(&f("t:", true), Encoding::Tagged).unwrap(), Value::Text(String::new()));
    assert_eq!(dec(&f("b:aGVsbG8=", false), Encoding::Tagged).unwrap(), Value::Blob(b"hello".to_vec()));
    for bad in ["x", "q:1", "i:1.5", "r:abc", "b:!!"] {
        let err = dec(&f(bad, false), Encoding::Tagged).unwrap_err();
        assert!(matches!(&err, Error::Csv { file, line: 7, .. } if file == "d.csv"), "{err}");
    }
    assert!(dec(&f("@@", false), Encoding::Base64).is_err());
}

#[test]
fn affinity_and_picking() {
    assert_eq!(Affinity::of("INTEGER", false), Affinity::Integer);
    assert_eq!(Affinity::of("VARCHAR(10)", false), Affinity::Text);
    assert_eq!(Affinity::of("", false), Affinity::Blob);
    assert_eq!(Affinity::of("DOUBLE PRECISION", false), Affinity::Real);
    assert_eq!(Affinity::of("DECIMAL(10,2)", false), Affinity::Numeric);
    assert_eq!(Affinity::of("ANY", false), Affinity::Numeric);
    assert_eq!(Affinity::of("ANY", true), Affinity::Blob);
    assert_eq!(Affinity::of("FLOATING POINT", false), Affinity::Integer, "'INT' wins, as SQLite says");
    let c = |integer, real, integral_real, text, blob| TypeCounts { integer, real, integral_real, text, blob };
    assert_eq!(pick_encoding(Affinity::Text, &c(0, 0, 0, 5, 0)), Encoding::Text);
    assert_eq!(pick_encoding(Affinity::Integer, &c(3, 1, 0, 2, 0)), Encoding::Text);
    assert_eq!(pick_encoding(Affinity::Numeric, &c(3, 1, 1, 0, 0)), Encoding::Tagged);
    assert_eq!(pick_encoding(Affinity::Blob, &c(0, 0, 0, 0, 4)), Encoding::Base64);
    assert_eq!(pick_encoding(Affinity::Blob, &c(1, 0, 0, 1, 0)), Encoding::Tagged);
    assert_eq!(pick_encoding(Affinity::Text, &c(0, 0, 0, 1, 1)), Encoding::Tagged);
    assert_eq!(pick_encoding(Affinity::Real, &c(0, 4, 4, 0, 0)), Encoding::Text);
}

/// SQLite reads the text of a real back to the very same number, in a REAL column.
#[test]
fn real_text_roundtrips_through_sqlite() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x REAL)").unwrap();
    let mut values = vec![
        0.1,
        1.0,
        1e300,
        -1e-300,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        2.5,
        1.0 / 3.0,
        123456789.123,
        1e16,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let x = f64::from_bits(seed);
        if x.is_finite() {
            values.push(x);
        }
    }
    let mut insert = conn.prepare("INSERT INTO t VALUES (?1) RETURNING x").unwrap();
    for x in values {
        let text = real_to_text(x).unwrap();
        let back: f64 = insert.query_row([&text], |r| r.get(0)).unwrap();
        assert_eq!(back.to_bits(), if x == 0.0 { back.to_bits() } else { x.to_bits() }, "{text}");
    }
}

fn arb_field() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        "[a-z ,\"\r\n]{0,8}".prop_map(Some),
        any::<String>().prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn prop_write_then_read(records in proptest::collection::vec(proptest::collection::vec(arb_field(), 1..6), 0..8)) {
        let mut out = String::new();
        for r in &records {
            write_record(&mut out, r.iter().map(|f| f.as_deref()));
        }
        let back: Vec<Vec<Option<String>>> = read_all(&out).unwrap().into_iter().map(|(_, r)| r).collect();
        prop_assert_eq!(back, records);
    }
}
