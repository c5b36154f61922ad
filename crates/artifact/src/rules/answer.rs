//! An `answer` check: the learner's text, normalised, against the accepted answers or a
//! pattern, never revealing the expected answer.

use crate::model::AnswerExpect;
use crate::rules::outcome::*;

pub(crate) fn check_answer(expect: &AnswerExpect, input: Option<&str>) -> Outcome {
    let answer = normalise(input.unwrap_or(""));
    if answer.is_empty() {
        return Outcome::verdict(false, "type an answer first");
    }
    match expect {
        AnswerExpect::Exact { any_of, case_sensitive } => {
            if any_of.is_empty() {
                return Outcome::broken("it accepts no answer");
            }
            let fold = |s: &str| {
                if *case_sensitive { s.to_owned() } else { s.to_lowercase() }
            };
            let given = fold(&answer);
            if any_of.iter().any(|a| fold(&normalise(a)) == given) {
                Outcome::verdict(true, "correct")
            } else if *case_sensitive && any_of.iter().any(|a| normalise(a).to_lowercase() == answer.to_lowercase()) {
                Outcome::verdict(false, "almost: check upper and lower case")
            } else {
                Outcome::verdict(false, "not the expected answer; try again")
            }
        }
        AnswerExpect::Pattern { regex } => match compile_pattern(regex) {
            // The compiler's message may quote the pattern, which would give the answer away.
            Err(_) => Outcome::broken("its pattern is not a valid regular expression"),
            Ok(re) if re.is_match(&answer) => Outcome::verdict(true, "correct"),
            Ok(_) => Outcome::verdict(false, "not the expected answer; try again"),
        },
    }
}

/// Trims and collapses every run of whitespace inside to one space.
pub(crate) fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compiles an author's pattern so that it must match the whole answer.
///
/// The pattern is compiled alone first: wrapped, an unbalanced `a)|(b` would become the valid
/// `^(?:a)|(b)$`, which accepts anything starting with `a`.
pub(crate) fn compile_pattern(regex: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(regex)?;
    regex_lite::Regex::new(&format!("^(?:{regex})$"))
}
