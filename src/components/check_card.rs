//! One check of a step: its prompt, the control its kind needs (Check button, answer box,
//! confirm button, or an external spec with "mark as done"), and the latest result with its reason.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use stepwise_protocol::CheckView;

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
            <p class={class} role="status">
                <strong>{ if r.passed { "✓ " } else { "✗ " } }{ word }</strong>{ ": " }{ r.message.clone() }
            </p>
        }
    });
    let hint = match (check.help.hints_html.first(), passed) {
        (Some(hint), Some(false)) => html! {
            <details class="hint"><summary>{ "Hint" }</summary><StepContent html={AttrValue::from(hint.clone())} /></details>
        },
        _ => html! {},
    };
    html! {
        <section class={classes!("check", passed.map(|p| if p { "passed" } else { "failed" }))}
                 aria-labelledby={heading_id.clone()} data-check={check.id.clone()} data-kind={check.kind.clone()}>
            <h3 id={heading_id}>{ format!("Check {}", props.number) }<span class="meta kind">{ format!(" · {}", check.kind) }</span></h3>
            <StepContent html={AttrValue::from(check.prompt_html.clone())} class="prompt" />
            { control }
            { for result }
            { hint }
        </section>
    }
}
