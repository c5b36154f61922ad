//! A `choice` check: the options the learner picked against the correct ones, with the author's
//! feedback on each wrong pick, and an author's mistakes in the options.

use crate::db::schema::is_slug;
use crate::model::ChoiceOption;
use crate::rules::outcome::Outcome;

/// The option ids in the learner's input: one id, or several separated by commas.
fn picked(input: Option<&str>) -> Vec<&str> {
    let mut ids: Vec<&str> = input.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Passes when the learner picked exactly the correct options. On a failure, says what the
/// author wrote about each wrong pick, and that a right one is missing, without naming it.
pub(crate) fn check_choice(options: &[ChoiceOption], multiple: bool, input: Option<&str>) -> Outcome {
    let ids = picked(input);
    if ids.is_empty() {
        return Outcome::verdict(false, if multiple { "pick the options that apply" } else { "pick an option" });
    }
    if let Some(unknown) = ids.iter().find(|id| !options.iter().any(|o| o.id == **id)) {
        return Outcome::verdict(false, format!("there is no option {unknown:?}"));
    }
    if !multiple && ids.len() > 1 {
        return Outcome::verdict(false, "pick one option");
    }
    let wrong: Vec<&ChoiceOption> = options.iter().filter(|o| !o.correct && ids.contains(&o.id.as_str())).collect();
    let missing = options.iter().filter(|o| o.correct && !ids.contains(&o.id.as_str())).count();
    if wrong.is_empty() && missing == 0 {
        return Outcome::verdict(true, "right");
    }
    let mut said: Vec<String> = wrong.iter().filter_map(|o| o.feedback.clone()).collect();
    if said.is_empty() && !wrong.is_empty() {
        said.push(if wrong.len() == 1 {
            "that option is not right".into()
        } else {
            "some of those are not right".into()
        });
    }
    if missing > 0 && multiple {
        said.push(
            if wrong.is_empty() { "right so far, but something is missing" } else { "and something is missing" }.into(),
        );
    }
    Outcome::verdict(false, said.join("; "))
}

/// An author's mistakes in a `choice` check's options.
pub(crate) fn validate_choice(options: &[ChoiceOption], multiple: bool, problems: &mut Vec<String>) {
    if options.len() < 2 {
        problems.push("a choice needs at least two `options`".to_owned());
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, o) in options.iter().enumerate() {
        if !is_slug(&o.id) {
            problems.push(format!("option {} has the id {:?}: use a-z, 0-9 and '-'", i + 1, o.id));
        }
        if seen.contains(&o.id.as_str()) {
            problems.push(format!("two options have the id {:?}", o.id));
        }
        seen.push(&o.id);
        if o.text.trim().is_empty() {
            problems.push(format!("option {:?} has no `text`", o.id));
        }
    }
    let correct = options.iter().filter(|o| o.correct).count();
    if correct == 0 {
        problems.push("no option is `correct: true`".to_owned());
    } else if !multiple && correct > 1 {
        problems.push(format!("{correct} options are correct: set `multiple: true`, or mark one"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<ChoiceOption> {
        let o = |id: &str, correct: bool, feedback: Option<&str>| ChoiceOption {
            id: id.into(),
            text: format!("Option {id}"),
            correct,
            feedback: feedback.map(str::to_owned),
        };
        vec![
            o("a", false, Some("An inner join drops them.")),
            o("b", true, None),
            o("c", true, None),
            o("d", false, None),
        ]
    }

    #[test]
    fn exactly_the_correct_options_pass() {
        assert!(check_choice(&options(), true, Some("b, c")).passed);
        assert!(check_choice(&options(), true, Some("c,b,b")).passed);
        let o = check_choice(&options(), true, Some("a,b,c"));
        assert!(!o.passed && o.verified);
        assert_eq!(o.message, "An inner join drops them.");
        assert_eq!(check_choice(&options(), true, Some("b")).message, "right so far, but something is missing");
        assert_eq!(
            check_choice(&options(), true, Some("d")).message,
            "that option is not right; and something is missing"
        );
        assert_eq!(check_choice(&options(), true, None).message, "pick the options that apply");
        assert_eq!(check_choice(&options(), true, Some("z")).message, "there is no option \"z\"");
        assert_eq!(check_choice(&options(), false, Some("b,c")).message, "pick one option");
    }

    #[test]
    fn authoring_mistakes_are_found() {
        let mut problems = Vec::new();
        validate_choice(&options(), false, &mut problems);
        assert_eq!(problems, ["2 options are correct: set `multiple: true`, or mark one"]);
        let mut problems = Vec::new();
        let mut bad = options();
        bad[1].id = "a".into();
        bad.iter_mut().for_each(|o| o.correct = false);
        validate_choice(&bad, true, &mut problems);
        assert_eq!(problems, ["two options have the id \"a\"", "no option is `correct: true`"]);
    }
}
