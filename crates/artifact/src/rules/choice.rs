//! A `choice` check: the options the learner picked against the correct ones, with the author's
//! feedback on each wrong pick, and an author's mistakes in the options.

use crate::db::schema::is_slug;
use crate::error::Shown;
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
/// author wrote about each wrong pick, and that a right one is missing, without naming it; on a
/// pass, what the author wrote about the options picked. The message is sentences.
pub(crate) fn check_choice(options: &[ChoiceOption], multiple: bool, input: Option<&str>) -> Outcome {
    let ids = picked(input);
    if ids.is_empty() {
        return Outcome::verdict(false, if multiple { "Pick the options that apply." } else { "Pick an option." });
    }
    if let Some(unknown) = ids.iter().find(|id| !options.iter().any(|o| o.id == **id)) {
        let shown: String = unknown.chars().take(40).collect();
        return Outcome::verdict(false, format!("There is no option {shown:?}."));
    }
    if !multiple && ids.len() > 1 {
        return Outcome::verdict(false, "Pick one option.");
    }
    let chosen = |o: &&ChoiceOption| ids.contains(&o.id.as_str());
    let wrong: Vec<&ChoiceOption> = options.iter().filter(|o| !o.correct).filter(chosen).collect();
    let missing = options.iter().filter(|o| o.correct && !ids.contains(&o.id.as_str())).count();
    if wrong.is_empty() && missing == 0 {
        let mut said = vec!["Right.".to_owned()];
        said.extend(options.iter().filter(chosen).filter_map(|o| o.feedback.as_deref()).map(sentence));
        return Outcome::verdict(true, said.join(" "));
    }
    let mut said: Vec<String> = wrong.iter().filter_map(|o| o.feedback.as_deref()).map(sentence).collect();
    if said.is_empty() && !wrong.is_empty() {
        said.push(if wrong.len() == 1 { "That option is not right." } else { "Some of those are not right." }.into());
    }
    if missing > 0 && multiple {
        said.push(
            if wrong.is_empty() { "Right so far, but something is missing." } else { "Something is missing too." }
                .into(),
        );
    }
    Outcome::verdict(false, said.join(" "))
}

/// An author's feedback as a sentence: trimmed, ending with a full stop unless it has one.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', ':', ')']) { text.to_owned() } else { format!("{text}.") }
}

/// An author's mistakes in a `choice` check's options.
pub(crate) fn validate_choice(options: &[ChoiceOption], multiple: bool, problems: &mut Vec<String>) {
    if options.len() < 2 {
        problems.push("a choice needs at least two `options`".to_owned());
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, o) in options.iter().enumerate() {
        if !is_slug(&o.id) {
            problems.push(format!("option {} has the id {}: use a-z, 0-9 and '-'", i + 1, Shown(&o.id)));
        }
        if seen.contains(&o.id.as_str()) {
            problems.push(format!("two options have the id {}", Shown(&o.id)));
        }
        seen.push(&o.id);
        if o.text.trim().is_empty() {
            problems.push(format!("option {} has no `text`", Shown(&o.id)));
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
        assert_eq!(check_choice(&options(), true, Some("b, c")).message, "Right.");
        assert!(check_choice(&options(), true, Some("c,b,b")).passed);
        let o = check_choice(&options(), true, Some("a,b,c"));
        assert!(!o.passed && o.verified);
        assert_eq!(o.message, "An inner join drops them.");
        assert_eq!(check_choice(&options(), true, Some("b")).message, "Right so far, but something is missing.");
        assert_eq!(
            check_choice(&options(), true, Some("d")).message,
            "That option is not right. Something is missing too."
        );
        assert_eq!(
            check_choice(&options(), true, Some("a,d,b")).message,
            "An inner join drops them. Something is missing too."
        );
        assert_eq!(check_choice(&options(), true, None).message, "Pick the options that apply.");
        assert_eq!(check_choice(&options(), true, Some("z")).message, "There is no option \"z\".");
        assert_eq!(check_choice(&options(), false, Some("b,c")).message, "Pick one option.");
        assert_eq!(check_choice(&options(), false, Some("")).message, "Pick an option.");
    }

    #[test]
    fn feedback_on_the_picked_options_follows_a_pass() {
        let mut options = options();
        options[1].feedback = Some("Yes: a left join keeps every left row".into());
        assert_eq!(check_choice(&options, true, Some("b,c")).message, "Right. Yes: a left join keeps every left row.");
        let single = vec![options[0].clone(), options[1].clone()];
        assert_eq!(check_choice(&single, false, Some("a")).message, "An inner join drops them.");
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
