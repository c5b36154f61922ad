//! The rules file: which functions move to the secondary module, by their names in the name
//! section (demangled Rust paths, C names).
//!
//! ```text
//! # a comment
//! move stepwise_artifact::project::    # every function whose name has this where a path starts
//!                                       # (`zip::` is not in `gzip::` nor in `core::iter::zip::`)
//! move ^json                            # …or begins with this
//! keep ::fmt::                          # …unless its name also matches one of these
//! ```

use anyhow::{Result, bail};

#[derive(Debug, Default)]
pub struct Rules {
    moved: Vec<String>,
    kept: Vec<String>,
}

impl Rules {
    pub fn parse(text: &str) -> Result<Rules> {
        let mut rules = Rules::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (verb, pattern) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let pattern = pattern.trim();
            if pattern.is_empty() {
                bail!("line {}: `{verb}` needs a name to match", number + 1);
            }
            match verb {
                "move" => rules.moved.push(pattern.to_owned()),
                "keep" => rules.kept.push(pattern.to_owned()),
                _ => bail!(
                    "line {}: `{}` is neither `move` nor `keep`",
                    number + 1,
                    verb.chars().take(20).collect::<String>()
                ),
            }
        }
        if rules.moved.is_empty() {
            bail!("no `move` rule: nothing would be split");
        }
        Ok(rules)
    }

    /// Whether the function of this name moves by the rules alone (before the functions only
    /// moved ones reach are added).
    pub fn moves(&self, name: &str) -> bool {
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
        let matches = |pattern: &String| match pattern.strip_prefix('^') {
            Some(start) => name.starts_with(start),
            None => name.match_indices(pattern.as_str()).any(|(at, _)| !name[..at].ends_with(word)),
        };
        self.moved.iter().any(matches) && !self.kept.iter().any(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_wins_over_move() {
        let rules = Rules::parse("# text forms\nmove serde_norway:: # YAML\nkeep ::fmt\n").unwrap();
        assert!(rules.moves("serde_norway::de::from_str"));
        assert!(!rules.moves("<serde_norway::Error as core::fmt::Display>::fmt"));
        assert!(!rules.moves("sqlite3VdbeExec"));
    }

    #[test]
    fn a_caret_anchors_at_the_start() {
        let rules = Rules::parse("move ^json\n").unwrap();
        assert!(rules.moves("jsonParseValue"));
        assert!(!rules.moves("<&mut serde_json::ser::Serializer<W,F>>::serialize_struct"));
    }

    #[test]
    fn a_name_matches_where_a_path_starts() {
        let rules = Rules::parse("move zip::\n").unwrap();
        assert!(rules.moves("zip::read::ZipArchive::new"));
        assert!(rules.moves("core::ptr::drop_in_place<zip::types::ZipFileData>"));
        assert!(!rules.moves("stepwise_worker::source::starts_with_gzip::{{closure}}"));
        assert!(!rules.moves("<core::iter::adapters::zip::Zip<A,B> as core::iter::Iterator>::next"));
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(Rules::parse("move\n").unwrap_err().to_string(), "line 1: `move` needs a name to match");
        assert_eq!(Rules::parse("shift x\n").unwrap_err().to_string(), "line 1: `shift` is neither `move` nor `keep`");
        assert!(Rules::parse("# nothing\n").is_err());
    }
}
