//! A query's result as text for people: CSV (for a spreadsheet) and a Markdown table (for notes
//! and chat), and which cells are numbers (aligned right on screen). NULL is an empty CSV field
//! and `NULL` in Markdown.

/// Whether `text` is a number as SQLite prints one (`42`, `-1.5`, `1e300`): shown aligned right.
pub fn is_number(text: &str) -> bool {
    let t = text.strip_prefix('-').unwrap_or(text);
    !t.is_empty()
        && t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && text.parse::<f64>().is_ok()
}

/// RFC 4180 CSV: a header, then the rows; a field is quoted when it holds `,`, `"` or a line
/// break; NULL is an empty field.
pub fn to_csv(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
    let field = |text: &str| {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    out.push_str(&columns.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.iter().map(|c| c.as_deref().map(field).unwrap_or_default()).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// A GitHub-flavoured Markdown table: numeric columns aligned right, `|` escaped, line breaks as
/// `<br>`, NULL as `NULL`.
pub fn to_markdown(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
    let cell =
        |text: &str| text.replace('\\', "\\\\").replace('|', "\\|").replace("\r\n", "<br>").replace('\n', "<br>");
    let numeric: Vec<bool> = (0..columns.len())
        .map(|i| {
            let mut values = rows.iter().filter_map(|r| r.get(i).and_then(Option::as_deref)).peekable();
            values.peek().is_some() && values.all(is_number)
        })
        .collect();
    let mut out = format!("| {} |\n", columns.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    out.push_str(&format!(
        "|{}|\n",
        numeric.iter().map(|n| if *n { " ---: " } else { " --- " }).collect::<Vec<_>>().join("|")
    ));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| c.as_deref().map_or_else(|| "NULL".to_owned(), cell)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<String>, Vec<Vec<Option<String>>>) {
        (
            vec!["name".into(), "total".into()],
            vec![
                vec![Some("Ada, Countess".into()), Some("12.5".into())],
                vec![Some("say \"hi\"\nthen | go".into()), None],
                vec![None, Some("-3".into())],
            ],
        )
    }

    #[test]
    fn numbers_are_told_from_text() {
        for n in ["0", "42", "-1.5", "1e300", "1.0E-5"] {
            assert!(is_number(n), "{n}");
        }
        for t in ["", "-", "abc", "1,5", " 1", "e5", "1.2.3", "NaN", "inf"] {
            assert!(!is_number(t), "{t}");
        }
    }

    #[test]
    fn csv_quotes_what_needs_it_and_leaves_null_empty() {
        let (c, r) = sample();
        assert_eq!(to_csv(&c, &r), "name,total\r\n\"Ada, Countess\",12.5\r\n\"say \"\"hi\"\"\nthen | go\",\r\n,-3\r\n");
    }

    #[test]
    fn markdown_escapes_pipes_and_aligns_numbers_right() {
        let (c, r) = sample();
        assert_eq!(
            to_markdown(&c, &r),
            "| name | total |\n| --- | ---: |\n| Ada, Countess | 12.5 |\n| say \"hi\"<br>then \\| go | NULL |\n| NULL | -3 |\n"
        );
    }
}
