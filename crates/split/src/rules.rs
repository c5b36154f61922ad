//! The rules file: which functions move to the secondary module, by their names in the name
//! section (demangled Rust paths, C names).
//!
//! ```text
//! # a comment
//! move stepwise_artifact::project::    # every function whose name has this where a path starts
//!                                       # (`zip::` is not in `gzip::` nor in `core::iter::zip::`)
//! move ^json                            # …or begins with this
//! keep ::fmt::                          # …unless its name also matches one of these
//! stay-below 100                        # …or it has fewer instructions than this
//! ```
//!
//! Rust's v0 names spell out a generic function's type arguments (`Vec<zip::ExtraField>::push`).
//! A rule looks past them: the optimiser keeps one copy of identical bodies under one of their
//! names, so a small generic function of a library may carry any caller's type in its name and
//! say nothing about who calls it. A rule that names the generic type itself reaches into its
//! arguments (`yew::…::CompStateInner<app::pages::ClassPage> as yew::…::Stateful>::view`, a
//! component's `view`, which is one of a kind); the e2e tests of a first visit catch a function
//! moved by mistake.

use anyhow::{Result, bail};

#[derive(Debug, Default)]
pub struct Rules {
    moved: Vec<String>,
    kept: Vec<String>,
    /// Functions the rules name with fewer instructions than this stay (`stay-below`): the
    /// compiler folds small functions that are alike into one, kept under one of their names.
    pub stay_below: u64,
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
                "stay-below" => {
                    rules.stay_below = pattern.parse().map_err(|_| {
                        anyhow::anyhow!("line {}: `stay-below` needs a number of instructions", number + 1)
                    })?;
                }
                "keep" => rules.kept.push(pattern.to_owned()),
                _ => bail!(
                    "line {}: `{}` is neither `move`, `keep` nor `stay-below`",
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
        let name = without_disambiguators(name);
        let name = name.as_str();
        let depths = type_argument_depths(name);
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
        let matches = |pattern: &String| match pattern.strip_prefix('^') {
            Some(start) => name.starts_with(start),
            None => name.match_indices(pattern.as_str()).any(|(at, _)| !name[..at].ends_with(word) && depths[at] == 0),
        };
        self.moved.iter().any(matches) && !self.kept.iter().any(matches)
    }
}

/// For each byte of `name`, how many type argument lists (`Vec<…>`, `f::<…>`) it is inside. A
/// `<` right after a name opens one; any other `<` opens a qualified path (`<T as Trait>::f`),
/// which is not one; `->` closes nothing.
fn type_argument_depths(name: &str) -> Vec<u32> {
    let mut depths = Vec::with_capacity(name.len());
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut previous = ' ';
    for c in name.chars() {
        match c {
            '<' => {
                let arguments = previous.is_alphanumeric() || previous == '_' || previous == ':';
                open.push(arguments);
                depth += u32::from(arguments);
            }
            '>' if previous != '-' => {
                if open.pop() == Some(true) {
                    depth -= 1;
                }
            }
            _ => {}
        }
        // A closing `>` counts as outside what it closes; an opening `<` as inside.
        depths.extend(std::iter::repeat_n(depth, c.len_utf8()));
        previous = c;
    }
    depths
}

/// `name` without the crate disambiguators of Rust's v0 symbol names (`yew[5c9a30c1b2af1251]::html`
/// is `yew::html`), so that a rule names a path the same way under either mangling. The v0 names
/// also spell out a generic function's type arguments (`CompStateInner<app::pages::Page>`), which
/// is what lets a rule reach a component's code.
fn without_disambiguators(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']').map(|c| open + c);
        match close {
            Some(close) if is_disambiguator(&rest[open + 1..close]) => {
                out.push_str(&rest[..open]);
                rest = &rest[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A v0 crate disambiguator: lower-case hex, 8 digits or more (not a slice type like `[A]`).
fn is_disambiguator(text: &str) -> bool {
    text.len() >= 8 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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
        assert!(rules.moves("<zip::types::ZipFileData as core::clone::Clone>::clone"));
        assert!(!rules.moves("stepwise_worker::source::starts_with_gzip::{{closure}}"));
        assert!(!rules.moves("<core::iter::adapters::zip::Zip<A,B> as core::iter::Iterator>::next"));
    }

    #[test]
    fn a_rule_looks_past_type_arguments_unless_it_names_the_generic_type() {
        let rules = Rules::parse("move stepwise_artifact::project::\n").unwrap();
        assert!(rules.moves("<stepwise_artifact::project::Project as core::fmt::Debug>::fmt"));
        assert!(rules.moves("stepwise_artifact::project::read::<&str>"));
        assert!(!rules.moves(
            "<core::iter::adapters::GenericShunt<rusqlite::row::MappedRows<stepwise_artifact::project::export::f::{closure#2}>, ()> as core::iter::traits::iterator::Iterator>::next"
        ));
        assert!(!rules.moves("core::ptr::drop_in_place::<stepwise_artifact::project::Project>"));
        assert!(rules.moves("<fn() -> u8 as stepwise_artifact::project::F>::call"));
        let view = "<yew::html::component::lifecycle::CompStateInner<app::pages::ClassPage> as yew::html::component::lifecycle::Stateful>::view";
        let rules = Rules::parse(&format!("move {}\n", &view[1..])).unwrap();
        assert!(rules.moves(view));
        assert!(!rules.moves(&view.replace("ClassPage", "LibraryPage")));
    }

    #[test]
    fn a_v0_name_matches_without_its_crate_disambiguators() {
        let rules = Rules::parse("move stepwise_app::pages::class_page::\n").unwrap();
        assert!(rules.moves(
            "<stepwise_app[a4595eb7fa6b464a]::pages::class_page::ClassPage as yew[5c9a30c1b2af1251]::functional::FunctionProvider>::run"
        ));
        assert!(!rules.moves("<stepwise_app[a4595eb7fa6b464a]::pages::playground_page::PlaygroundPage>::view"));
        assert_eq!(without_disambiguators("a[0123abcd] <[A]>::x c[] d[423fe90df837d0ee]"), "a <[A]>::x c[] d");
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(Rules::parse("move\n").unwrap_err().to_string(), "line 1: `move` needs a name to match");
        assert_eq!(Rules::parse("shift x\n").unwrap_err().to_string(), "line 1: `shift` is neither `move`, `keep` nor `stay-below`");
        assert!(Rules::parse("# nothing\n").is_err());
        assert_eq!(
            Rules::parse("move x\nstay-below many\n").unwrap_err().to_string(),
            "line 2: `stay-below` needs a number of instructions"
        );
        assert_eq!(Rules::parse("move x\nstay-below 100\n").unwrap().stay_below, 100);
    }
}
