//! The file an address names, as the page and the worker both say it in messages and use it to
//! tell a workshop from a data file.

/// The file name at the end of a URL's path (`…/sql-joins.db?x=1` → `sql-joins.db`), its
/// percent-escapes decoded as `decodeURIComponent` does (kept as written where they are not
/// valid UTF-8); `download.db` when the path names no file.
pub fn file_name_of_url(url: &str) -> String {
    let before_query = url.split(['?', '#']).next().unwrap_or(url);
    // The path starts after the authority (`https://host`).
    let path = match before_query.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => before_query,
    };
    let last = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    let decoded = percent_decoded(last).unwrap_or_else(|| last.to_owned());
    if decoded.is_empty() || decoded.contains('/') { "download.db".to_owned() } else { decoded }
}

/// `text` with every `%XX` decoded, or `None` when an escape is malformed or the bytes are not
/// UTF-8 (where `decodeURIComponent` throws).
fn percent_decoded(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::file_name_of_url;

    #[test]
    fn the_last_segment_of_the_path_decoded() {
        assert_eq!(file_name_of_url("https://example.org/a/sql-joins.db?x=1#y"), "sql-joins.db");
        assert_eq!(file_name_of_url("https://example.org/a/my%20work%C3%A9.db"), "my worké.db");
        assert_eq!(file_name_of_url("https://example.org/dir/"), "dir");
        assert_eq!(file_name_of_url("samples/w.db.gz"), "w.db.gz");
    }

    #[test]
    fn no_file_or_a_slash_inside_gives_download_db_and_a_bad_escape_stays_as_written() {
        assert_eq!(file_name_of_url("https://example.org"), "download.db");
        assert_eq!(file_name_of_url("https://example.org/?q=1"), "download.db");
        assert_eq!(file_name_of_url("https://example.org/a%2Fb"), "download.db");
        assert_eq!(file_name_of_url("https://example.org/100%.db"), "100%.db");
        assert_eq!(file_name_of_url("https://example.org/%FF.db"), "%FF.db");
    }
}
