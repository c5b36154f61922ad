//! The hand-written YAML/JSON shapes of `expect` (see `docs/format.md`), with messages an author can act on.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::{AnswerExpect, SqlExpect, Value};

const SQL_FORMS: &str =
    "write `scalar: <value>`, `rows: [[…], …]` (with optional `ordered: false`), `non_empty` or `empty`";
const ANSWER_FORMS: &str = "write `any_of: [...]` (with optional `case_sensitive: true`) or `pattern: <regex>`";

impl Serialize for SqlExpect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SqlExpect::Scalar(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("scalar", v)?;
                m.end()
            }
            SqlExpect::Rows { rows, ordered } => {
                let mut m = s.serialize_map(Some(if *ordered { 1 } else { 2 }))?;
                m.serialize_entry("rows", rows)?;
                if !ordered {
                    m.serialize_entry("ordered", ordered)?;
                }
                m.end()
            }
            SqlExpect::NonEmpty => s.serialize_str("non_empty"),
            SqlExpect::Empty => s.serialize_str("empty"),
        }
    }
}

impl<'de> Deserialize<'de> for SqlExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SqlExpectVisitor)
    }
}

struct SqlExpectVisitor;

impl<'de> Visitor<'de> for SqlExpectVisitor {
    type Value = SqlExpect;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "the expected result of a sql check: {SQL_FORMS}")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SqlExpect, E> {
        match v {
            "non_empty" => Ok(SqlExpect::NonEmpty),
            "empty" => Ok(SqlExpect::Empty),
            "scalar" | "rows" => Err(E::custom(format!(
                "`{v}` needs a value: write `{v}:` followed by the expected {}",
                if v == "scalar" { "value" } else { "rows" }
            ))),
            _ => Err(E::custom(format!("`{v}` is not an expected sql result; {SQL_FORMS}"))),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SqlExpect, A::Error> {
        let mut scalar: Option<Value> = None;
        let mut rows: Option<Vec<Vec<Value>>> = None;
        let mut ordered: Option<bool> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "scalar" => {
                    once(&scalar, "scalar")?;
                    scalar = Some(map.next_value().map_err(|e| context("scalar", e))?);
                }
                "rows" => {
                    once(&rows, "rows")?;
                    rows = Some(map.next_value().map_err(|e| {
                        context_with("rows", e, "rows are a list of lists: `rows: [[1, Ada], [2, Grace]]`")
                    })?);
                }
                "ordered" => {
                    once(&ordered, "ordered")?;
                    ordered = Some(map.next_value().map_err(|e| context("ordered", e))?);
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown key `{other}` in the expected sql result; {SQL_FORMS}"
                    )));
                }
            }
        }
        match (scalar, rows, ordered) {
            (Some(_), Some(_), _) => {
                Err(de::Error::custom("the expected sql result has both `scalar` and `rows`; keep one"))
            }
            (Some(_), None, Some(_)) => {
                Err(de::Error::custom("`ordered` goes with `rows`, not with `scalar`; remove it"))
            }
            (Some(v), None, None) => Ok(SqlExpect::Scalar(v)),
            (None, Some(rows), ordered) => Ok(SqlExpect::Rows { rows, ordered: ordered.unwrap_or(true) }),
            (None, None, Some(_)) => Err(de::Error::custom("`ordered` needs `rows`: add the expected rows")),
            (None, None, None) => Err(de::Error::custom(format!("the expected sql result is empty; {SQL_FORMS}"))),
        }
    }
}

impl Serialize for AnswerExpect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AnswerExpect::Exact { any_of, case_sensitive } => {
                let mut m = s.serialize_map(Some(if *case_sensitive { 2 } else { 1 }))?;
                m.serialize_entry("any_of", any_of)?;
                if *case_sensitive {
                    m.serialize_entry("case_sensitive", case_sensitive)?;
                }
                m.end()
            }
            AnswerExpect::Pattern { regex } => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("pattern", regex)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for AnswerExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnswerExpectVisitor)
    }
}

struct AnswerExpectVisitor;

impl<'de> Visitor<'de> for AnswerExpectVisitor {
    type Value = AnswerExpect;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "the expected answer: {ANSWER_FORMS}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswerExpect, A::Error> {
        let mut any_of: Option<Vec<AnswerText>> = None;
        let mut case_sensitive: Option<bool> = None;
        let mut pattern: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "any_of" => {
                    once(&any_of, "any_of")?;
                    any_of = Some(map.next_value().map_err(|e| {
                        context_with("any_of", e, "answers are a list: `any_of: [LEFT JOIN, LEFT OUTER JOIN]`")
                    })?);
                }
                "case_sensitive" => {
                    once(&case_sensitive, "case_sensitive")?;
                    case_sensitive = Some(map.next_value().map_err(|e| context("case_sensitive", e))?);
                }
                "pattern" => {
                    once(&pattern, "pattern")?;
                    pattern = Some(map.next_value().map_err(|e| context("pattern", e))?);
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown key `{other}` in the expected answer; {ANSWER_FORMS}"
                    )));
                }
            }
        }
        match (any_of, pattern, case_sensitive) {
            (Some(_), Some(_), _) => {
                Err(de::Error::custom("the expected answer has both `any_of` and `pattern`; keep one"))
            }
            (None, Some(_), Some(_)) => Err(de::Error::custom(
                "`case_sensitive` goes with `any_of`; a pattern is case-sensitive unless it starts with `(?i)`",
            )),
            (None, Some(regex), None) => Ok(AnswerExpect::Pattern { regex }),
            (Some(any_of), None, cs) => Ok(AnswerExpect::Exact {
                any_of: any_of.into_iter().map(|a| a.0).collect(),
                case_sensitive: cs.unwrap_or(false),
            }),
            (None, None, Some(_)) => {
                Err(de::Error::custom("`case_sensitive` needs `any_of`: add the accepted answers"))
            }
            (None, None, None) => Err(de::Error::custom(format!("the expected answer is empty; {ANSWER_FORMS}"))),
        }
    }
}

/// One accepted answer: text, or an integer taken as its digits (`any_of: [42]`).
struct AnswerText(String);

impl<'de> Deserialize<'de> for AnswerText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnswerText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an accepted answer as text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AnswerText, E> {
                Ok(AnswerText(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnswerText, E> {
                Ok(AnswerText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnswerText, E> {
                Ok(AnswerText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnswerText, E> {
                Err(E::custom(format!("{v:?} is a number; put the answer in quotes as it should be typed ('{v}')")))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AnswerText, E> {
                Err(E::custom(format!("{v} is a boolean; put the answer in quotes ('{v}')")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AnswerText, E> {
                Err(E::custom("an accepted answer is empty (`~`); write the answer text"))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value: a number, text, or ~ for NULL")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::custom(format!("{v} is too large for an SQLite integer (at most {})", i64::MAX)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Real(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Err(E::custom(format!("{v} is not an SQLite value: SQLite stores booleans as integers, write {}", u8::from(v))))
    }
}

/// Shows the value as an SQL literal: `NULL`, `5`, `5.0`, `'it''s'`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Real(r) => write!(f, "{r:?}"),
            Value::Text(t) => write!(f, "'{}'", t.replace('\'', "''")),
        }
    }
}

fn once<T, E: de::Error>(slot: &Option<T>, key: &str) -> Result<(), E> {
    match slot {
        Some(_) => Err(E::custom(format!("`{key}` is given twice; keep one"))),
        None => Ok(()),
    }
}

/// Names the key a nested error comes from: inside an internally tagged `Rule` (serde buffers
/// it), the error would otherwise say neither where nor what.
fn context<E: de::Error>(key: &str, e: impl fmt::Display) -> E {
    E::custom(format!("`{key}`: {}", without_location(&e.to_string())))
}

/// [`context`] with a hint of the expected shape after the message.
fn context_with<E: de::Error>(key: &str, e: impl fmt::Display, hint: &str) -> E {
    E::custom(format!("`{key}`: {} ({hint})", without_location(&e.to_string())))
}

/// A YAML parser's inner message carries " at line L column C", which the outer error gives
/// again; keeping it in the middle of a sentence would split it.
fn without_location(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, String> {
        serde_norway::from_str(s).map_err(|e| e.to_string())
    }

    fn json<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    fn rows(rows: Vec<Vec<Value>>, ordered: bool) -> SqlExpect {
        SqlExpect::Rows { rows, ordered }
    }

    #[test]
    fn sql_expect_shapes_in_yaml() {
        assert_eq!(yaml::<SqlExpect>("scalar: 5").unwrap(), SqlExpect::Scalar(Value::Integer(5)));
        assert_eq!(yaml::<SqlExpect>("scalar: 5.0").unwrap(), SqlExpect::Scalar(Value::Real(5.0)));
        assert_eq!(yaml::<SqlExpect>("scalar: ~").unwrap(), SqlExpect::Scalar(Value::Null));
        assert_eq!(yaml::<SqlExpect>("scalar: Ada").unwrap(), SqlExpect::Scalar(Value::Text("Ada".into())));
        assert_eq!(
            yaml::<SqlExpect>("rows: [[1, Ada], [2, ~]]").unwrap(),
            rows(vec![vec![Value::Integer(1), Value::Text("Ada".into())], vec![Value::Integer(2), Value::Null]], true)
        );
        assert_eq!(
            yaml::<SqlExpect>("rows:\n  - [1]\nordered: false\n").unwrap(),
            rows(vec![vec![Value::Integer(1)]], false)
        );
        assert_eq!(yaml::<SqlExpect>("non_empty").unwrap(), SqlExpect::NonEmpty);
        assert_eq!(yaml::<SqlExpect>("empty").unwrap(), SqlExpect::Empty);
    }

    #[test]
    fn sql_expect_shapes_in_json() {
        assert_eq!(json::<SqlExpect>(r#"{"scalar": 5}"#).unwrap(), SqlExpect::Scalar(Value::Integer(5)));
        assert_eq!(json::<SqlExpect>(r#"{"scalar": null}"#).unwrap(), SqlExpect::Scalar(Value::Null));
        assert_eq!(
            json::<SqlExpect>(r#"{"rows": [[1.5, "x"]], "ordered": false}"#).unwrap(),
            rows(vec![vec![Value::Real(1.5), Value::Text("x".into())]], false)
        );
        assert_eq!(json::<SqlExpect>(r#""non_empty""#).unwrap(), SqlExpect::NonEmpty);
        assert_eq!(json::<SqlExpect>(r#""empty""#).unwrap(), SqlExpect::Empty);
    }

    #[test]
    fn sql_expect_writes_the_documented_shapes() {
        let j = |e: &SqlExpect| serde_json::to_string(e).unwrap();
        assert_eq!(j(&SqlExpect::Scalar(Value::Integer(5))), r#"{"scalar":5}"#);
        assert_eq!(j(&SqlExpect::Scalar(Value::Real(5.0))), r#"{"scalar":5.0}"#);
        assert_eq!(j(&rows(vec![vec![Value::Null]], true)), r#"{"rows":[[null]]}"#);
        assert_eq!(j(&rows(vec![vec![Value::Integer(1)]], false)), r#"{"rows":[[1]],"ordered":false}"#);
        assert_eq!(j(&SqlExpect::NonEmpty), r#""non_empty""#);
        assert_eq!(j(&SqlExpect::Empty), r#""empty""#);
        assert_eq!(serde_norway::to_string(&SqlExpect::NonEmpty).unwrap(), "non_empty\n");
        assert_eq!(
            serde_norway::to_string(&rows(vec![vec![Value::Integer(1), Value::Text("Ada".into())]], false)).unwrap(),
            "rows:\n- - 1\n  - Ada\nordered: false\n"
        );
    }

    #[test]
    fn sql_expect_round_trips_through_yaml_and_json() {
        let all = [
            SqlExpect::Scalar(Value::Text("it's".into())),
            SqlExpect::Scalar(Value::Real(0.25)),
            rows(vec![vec![Value::Integer(-3), Value::Null, Value::Text("5".into())]], true),
            rows(vec![], false),
            SqlExpect::NonEmpty,
            SqlExpect::Empty,
        ];
        for e in all {
            let y = serde_norway::to_string(&e).unwrap();
            assert_eq!(yaml::<SqlExpect>(&y).unwrap(), e, "{y}");
            let j = serde_json::to_string(&e).unwrap();
            assert_eq!(json::<SqlExpect>(&j).unwrap(), e, "{j}");
        }
    }

    #[test]
    fn sql_expect_mistakes_get_clear_messages() {
        let err = |s: &str| yaml::<SqlExpect>(s).unwrap_err();
        assert!(
            err("nonempty").contains("`nonempty` is not an expected sql result; write `scalar"),
            "{}",
            err("nonempty")
        );
        assert!(err("scalr: 5").contains("unknown key `scalr`"));
        assert!(err("scalar: 5\nrows: [[5]]").contains("both `scalar` and `rows`"));
        assert!(err("scalar: 5\nordered: false").contains("`ordered` goes with `rows`"));
        assert!(err("ordered: false").contains("`ordered` needs `rows`"));
        assert!(err("{}").contains("is empty"));
        assert!(err("scalar").contains("`scalar` needs a value"));
        assert!(err("scalar: true").contains("write 1"), "{}", err("scalar: true"));
        assert!(err("rows: 5").contains("`rows`:"), "{}", err("rows: 5"));
        assert_eq!(
            err("rows: [[1], 2]"),
            "`rows`: rows[1]: invalid type: integer `2`, expected a sequence \
             (rows are a list of lists: `rows: [[1, Ada], [2, Grace]]`)"
        );
        assert!(err("rows: [[1]]\nordered: maybe").contains("`ordered`:"));
        assert!(err("[1, 2]").contains("the expected result of a sql check"), "{}", err("[1, 2]"));
        assert!(json::<SqlExpect>(r#"{"scalar": 1, "scalar": 2}"#).unwrap_err().contains("`scalar` is given twice"));
        assert!(json::<SqlExpect>(r#"{"scalar": 18446744073709551615}"#).unwrap_err().contains("too large"));
    }

    #[test]
    fn answer_expect_shapes_in_yaml_and_json() {
        let exact = |a: &[&str], cs| AnswerExpect::Exact {
            any_of: a.iter().map(|s| s.to_string()).collect(),
            case_sensitive: cs,
        };
        assert_eq!(
            yaml::<AnswerExpect>("any_of: [LEFT JOIN, LEFT OUTER JOIN]").unwrap(),
            exact(&["LEFT JOIN", "LEFT OUTER JOIN"], false)
        );
        assert_eq!(yaml::<AnswerExpect>("any_of: [x]\ncase_sensitive: true").unwrap(), exact(&["x"], true));
        assert_eq!(yaml::<AnswerExpect>("any_of: [42, '007']").unwrap(), exact(&["42", "007"], false));
        assert_eq!(
            yaml::<AnswerExpect>("pattern: '\\d+ rows?'").unwrap(),
            AnswerExpect::Pattern { regex: r"\d+ rows?".into() }
        );
        assert_eq!(
            json::<AnswerExpect>(r#"{"any_of": ["a"], "case_sensitive": false}"#).unwrap(),
            exact(&["a"], false)
        );
        assert_eq!(json::<AnswerExpect>(r#"{"pattern": "^a"}"#).unwrap(), AnswerExpect::Pattern { regex: "^a".into() });

        let j = |e: &AnswerExpect| serde_json::to_string(e).unwrap();
        assert_eq!(j(&exact(&["a"], false)), r#"{"any_of":["a"]}"#);
        assert_eq!(j(&exact(&["a"], true)), r#"{"any_of":["a"],"case_sensitive":true}"#);
        assert_eq!(j(&AnswerExpect::Pattern { regex: "a+".into() }), r#"{"pattern":"a+"}"#);
        for e in [exact(&["a b", "c"], true), exact(&["x"], false), AnswerExpect::Pattern { regex: "(?i)yes".into() }] {
            assert_eq!(yaml::<AnswerExpect>(&serde_norway::to_string(&e).unwrap()).unwrap(), e);
            assert_eq!(json::<AnswerExpect>(&j(&e)).unwrap(), e);
        }
    }

    #[test]
    fn answer_expect_mistakes_get_clear_messages() {
        let err = |s: &str| yaml::<AnswerExpect>(s).unwrap_err();
        assert!(err("exact: [a]").contains("unknown key `exact` in the expected answer; write `any_of"));
        assert!(err("regex: a").contains("unknown key `regex`"));
        assert!(err("any_of: [a]\npattern: b").contains("both `any_of` and `pattern`"));
        assert!(err("pattern: a\ncase_sensitive: true").contains("(?i)"));
        assert!(err("case_sensitive: true").contains("needs `any_of`"));
        assert!(err("{}").contains("is empty"));
        assert!(err("any_of: [1.5]").contains("in quotes"), "{}", err("any_of: [1.5]"));
        assert!(err("any_of: [true]").contains("in quotes"));
        assert!(err("any_of: LEFT JOIN").contains("`any_of`:"), "{}", err("any_of: LEFT JOIN"));
        assert!(err("LEFT JOIN").contains("the expected answer"), "{}", err("LEFT JOIN"));
    }

    #[test]
    fn expect_inside_a_rule() {
        use crate::Rule;
        let r: Rule = yaml("kind: sql\nquery: SELECT 1\nexpect:\n  rows: [[1]]\n  ordered: false\n").unwrap();
        assert_eq!(r, Rule::Sql { query: "SELECT 1".into(), expect: rows(vec![vec![Value::Integer(1)]], false) });
        let r: Rule = yaml("kind: sql\nquery: SELECT 1\nexpect: non_empty\n").unwrap();
        assert_eq!(r, Rule::Sql { query: "SELECT 1".into(), expect: SqlExpect::NonEmpty });
        let r: Rule = yaml("kind: answer\nexpect:\n  any_of: [42]\n").unwrap();
        assert_eq!(
            r,
            Rule::Answer { expect: AnswerExpect::Exact { any_of: vec!["42".into()], case_sensitive: false } }
        );
        let j = serde_json::to_string(&r).unwrap();
        assert_eq!(j, r#"{"kind":"answer","expect":{"any_of":["42"]}}"#);
        assert_eq!(json::<Rule>(&j).unwrap(), r);
        let e = yaml::<Rule>("kind: sql\nquery: SELECT 1\nexpect: nonempty\n").unwrap_err();
        assert!(e.contains("`nonempty` is not an expected sql result"), "{e}");
    }

    #[test]
    fn values_display_as_sql_literals() {
        assert_eq!(Value::Null.to_string(), "NULL");
        assert_eq!(Value::Integer(-5).to_string(), "-5");
        assert_eq!(Value::Real(5.0).to_string(), "5.0");
        assert_eq!(Value::Real(0.1).to_string(), "0.1");
        assert_eq!(Value::Text("it's".into()).to_string(), "'it''s'");
    }
}
