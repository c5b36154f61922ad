//! One check of a step: its prompt, the control its kind needs (Check button, answer box, the
//! options of a choice, confirm button, or an external spec with "mark as done"), the latest
//! result with its reason, and help for a stuck learner: hints one at a time after failed
//! attempts, then the solution.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use stepwise_protocol::{CheckView, HelpView};

use super::step_content::StepContent;

/// What the UI sends as `input` to confirm a `manual` or `external` check (`rules::CONFIRMED`).
pub const CONFIRMED: &str = "yes";

/// Props of [`CheckCard`].
#[derive(Properties, PartialEq)]
pub struct CheckCardProps {
    /// The check.
    pub check: CheckView,
    /// Position within the step (1-based), for labels.
    pub number: usize,
    /// A request is running: buttons wait.
    pub busy: bool,
    /// Run it with this input.
    pub on_check: Callback<(String, Option<String>)>,
    /// Open its next hint.
    pub on_hint: Callback<String>,
    /// Show its solution.
    pub on_solution: Callback<String>,
    /// Put SQL from a solution into the editor and run it.
    pub on_run_sql: Callback<String>,
}

/// The ids the learner picked last time (a choice's input), to show them picked again.
fn picked(check: &CheckView) -> Vec<String> {
    check
        .result
        .as_ref()
        .and_then(|r| r.input.as_deref())
        .map(|i| i.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// A check, as a `<section>`.
#[component]
pub fn CheckCard(props: &CheckCardProps) -> Html {
    let check = &props.check;
    let answer = use_state(|| {
        if check.kind == "answer" {
            check.result.as_ref().and_then(|r| r.input.clone()).unwrap_or_default()
        } else {
            String::new()
        }
    });
    let choice = use_state(|| picked(check));
    let id = check.id.clone();
    let run = {
        let (on_check, id) = (props.on_check.clone(), id.clone());
        move |input: Option<String>| on_check.emit((id.clone(), input))
    };
    let heading_id = format!("check-{}", check.id);
    let passed = check.result.as_ref().map(|r| r.passed);
    let control = match check.kind.as_str() {
        "sql" => {
            let run = run.clone();
            html! {
                <button class="check-button primary" disabled={props.busy} onclick={Callback::from(move |_: MouseEvent| run(None))}>
                    { "Check" }
                </button>
            }
        }
        "answer" => {
            let input_id = format!("answer-{}", check.id);
            let on_input = {
                let answer = answer.clone();
                Callback::from(move |e: InputEvent| {
                    if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        answer.set(input.value());
                    }
                })
            };
            let on_submit = {
                let (answer, run) = (answer.clone(), run.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    run(Some((*answer).clone()));
                })
            };
            html! {
                <form class="answer" onsubmit={on_submit}>
                    <label for={input_id.clone()}>{ "Your answer" }</label>
                    <div class="answer-row">
                        <input id={input_id} type="text" autocomplete="off" value={(*answer).clone()} oninput={on_input} />
                        <button type="submit" class="primary" disabled={props.busy}>{ "Check" }</button>
                    </div>
                </form>
            }
        }
        "choice" => choice_form(props, &choice, run.clone()),
        "manual" => {
            let run = run.clone();
            html! {
                <button disabled={props.busy || passed == Some(true)}
                        onclick={Callback::from(move |_: MouseEvent| run(Some(CONFIRMED.to_owned())))}>
                    { "I have done this" }
                </button>
            }
        }
        _ => {
            let run = run.clone();
            html! {
                <>
                    <p class="meta">{ format!("Checked outside Stepwise with {}:", check.runner.clone().unwrap_or_default()) }</p>
                    <pre class="spec"><code>{ check.spec.clone().unwrap_or_default() }</code></pre>
                    <button disabled={props.busy || passed == Some(true)}
                            onclick={Callback::from(move |_: MouseEvent| run(Some(CONFIRMED.to_owned())))}>
                        { "Mark as done (unverified)" }
                    </button>
                </>
            }
        }
    };
    let result = check.result.as_ref().map(|r| {
        let (class, word) = if r.passed { ("result pass", "Passed") } else { ("result fail", "Not yet") };
        html! {
            <div class={class} role="status">
                if let Some(feedback) = &r.feedback_html {
                    <p><strong>{ "✗ " }{ word }</strong></p>
                    <StepContent html={AttrValue::from(feedback.clone())} class="feedback" />
                    <p class="reason">{ r.message.clone() }</p>
                } else {
                    <p><strong>{ if r.passed { "✓ " } else { "✗ " } }{ word }</strong>{ ": " }{ r.message.clone() }</p>
                }
            </div>
        }
    });
    html! {
        <section class={classes!("check", passed.map(|p| if p { "passed" } else { "failed" }))}
                 aria-labelledby={heading_id.clone()} data-check={check.id.clone()} data-kind={check.kind.clone()}>
            <h3 id={heading_id}>{ format!("Check {}", props.number) }<span class="meta kind">{ format!(" · {}", check.kind) }</span></h3>
            <StepContent html={AttrValue::from(check.prompt_html.clone())} class="prompt" />
            { control }
            if let Some(result) = result { { result } }
            { help(props, passed == Some(true)) }
        </section>
    }
}

/// The options of a `choice` check, as radio buttons (one answer) or checkboxes (several).
fn choice_form(
    props: &CheckCardProps,
    choice: &UseStateHandle<Vec<String>>,
    run: impl Fn(Option<String>) + 'static,
) -> Html {
    let check = &props.check;
    let kind = if check.multiple { "checkbox" } else { "radio" };
    let on_submit = {
        let choice = choice.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            run(Some(choice.join(",")));
        })
    };
    html! {
        <form class="choice" onsubmit={on_submit}>
            <fieldset>
                <legend>{ if check.multiple { "Pick every option that applies" } else { "Pick one" } }</legend>
                { for check.options.iter().map(|option| {
                    let input_id = format!("choice-{}-{}", check.id, option.id);
                    let on_change = {
                        let (choice, option_id, multiple) = (choice.clone(), option.id.clone(), check.multiple);
                        Callback::from(move |e: Event| {
                            let on = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked());
                            let mut now: Vec<String> = if multiple { (*choice).clone() } else { Vec::new() };
                            now.retain(|id| *id != option_id);
                            if on {
                                now.push(option_id.clone());
                            }
                            choice.set(now);
                        })
                    };
                    html! {
                        <div class="option">
                            <input id={input_id.clone()} type={kind} name={format!("choice-{}", check.id)} value={option.id.clone()}
                                   checked={choice.contains(&option.id)} onchange={on_change} />
                            <label for={input_id}>{ Html::from_html_unchecked(AttrValue::from(option.html.clone())) }</label>
                        </div>
                    }
                }) }
            </fieldset>
            <button type="submit" class="primary" disabled={props.busy || choice.is_empty()}>{ "Check" }</button>
        </form>
    }
}

/// Hints opened, the button for the next one, and the solution (or when it can be shown).
fn help(props: &CheckCardProps, passed: bool) -> Html {
    let check = &props.check;
    let HelpView { hints_html, hints_total, hint_ready, failures, solution_after, solution_ready, solution_html } =
        &check.help;
    let total = *hints_total as usize;
    let next_hint = {
        let (on_hint, id) = (props.on_hint.clone(), check.id.clone());
        Callback::from(move |_: MouseEvent| on_hint.emit(id.clone()))
    };
    let show_solution = {
        let (on_solution, id) = (props.on_solution.clone(), check.id.clone());
        Callback::from(move |_: MouseEvent| on_solution.emit(id.clone()))
    };
    let waiting = (!passed && solution_html.is_none() && *solution_after > 0 && !solution_ready && *failures > 0)
        .then(|| solution_after.saturating_sub(*failures));
    if hints_html.is_empty() && !hint_ready && !solution_ready && solution_html.is_none() && waiting.is_none() {
        return html! {};
    }
    html! {
        <div class="help">
            { for hints_html.iter().enumerate().map(|(i, hint)| html! {
                <div class="hint">
                    <p class="help-label">{ if total > 1 { format!("Hint {} of {total}", i + 1) } else { "Hint".to_owned() } }</p>
                    <StepContent html={AttrValue::from(hint.clone())} />
                </div>
            }) }
            <div class="help-actions">
                if *hint_ready && !passed {
                    <button class="secondary small" onclick={next_hint} disabled={props.busy}>
                        { if total > 1 { format!("Show hint {} of {total}", hints_html.len() + 1) } else { "Show a hint".to_owned() } }
                    </button>
                }
                if *solution_ready {
                    <button class="secondary small" onclick={show_solution} disabled={props.busy}>{ "Show the solution" }</button>
                } else if let Some(left) = waiting {
                    <span class="meta">{ format!("The solution can be shown after {} more {}.", left, if left == 1 { "try" } else { "tries" }) }</span>
                }
            </div>
            if let Some(solution) = solution_html {
                <div class="solution">
                    <p class="help-label">{ "Solution" }</p>
                    <StepContent html={AttrValue::from(solution.clone())} on_run={props.on_run_sql.clone()} />
                </div>
            }
        </div>
    }
}
