//! Rows of a result as the playground shows them: numbers aligned right, NULL marked, long text
//! folded with a way to see it whole, wide tables scrolling sideways; and "copy as CSV /
//! Markdown" for a query's result.

use yew::prelude::*;

use crate::result_text::{is_number, to_csv, to_markdown};

/// Characters of a cell shown before it is folded.
const FOLD_AFTER: usize = 120;

fn cell(text: &str) -> Html {
    if is_number(text) {
        return html! { <td class="num">{ text.to_owned() }</td> };
    }
    match text.char_indices().nth(FOLD_AFTER) {
        None => html! { <td>{ text.to_owned() }</td> },
        Some((cut, _)) => html! {
            <td class="long">
                <details>
                    <summary title="Show it whole">
                        { format!("{}…", &text[..cut]) }
                        <span class="meta">{ format!(" ({} characters)", text.chars().count()) }</span>
                    </summary>
                    <div class="whole">{ text.to_owned() }</div>
                </details>
            </td>
        },
    }
}

/// The `<tr>`s of `rows`.
pub fn body_rows(rows: &[Vec<Option<String>>]) -> Html {
    html! {
        { for rows.iter().map(|row| html! {
            <tr>{ for row.iter().map(|c| match c {
                Some(text) => cell(text),
                None => html! { <td class="null">{ "NULL" }</td> },
            }) }</tr>
        }) }
    }
}

/// Props of [`CopyResult`].
#[derive(Properties, PartialEq)]
pub struct CopyResultProps {
    /// The result's columns.
    pub columns: Vec<String>,
    /// Its rows, as shown.
    pub rows: Vec<Vec<Option<String>>>,
}

/// "Copy as CSV" and "Copy as Markdown", saying what was copied.
#[component]
pub fn CopyResult(props: &CopyResultProps) -> Html {
    let copied = use_state(|| None::<&'static str>);
    let copy = |what: &'static str| {
        let (copied, columns, rows) = (copied.clone(), props.columns.clone(), props.rows.clone());
        Callback::from(move |_: MouseEvent| {
            let text = if what == "CSV" { to_csv(&columns, &rows) } else { to_markdown(&columns, &rows) };
            super::step_content::copy_text(&text);
            copied.set(Some(what));
        })
    };
    html! {
        <div class="copy-result">
            <button class="quiet small" onclick={copy("CSV")}>{ "Copy as CSV" }</button>
            <button class="quiet small" onclick={copy("Markdown")}>{ "Copy as Markdown" }</button>
            <span class="meta" role="status">
                { copied.map(|what| format!("Copied as {what}.")).unwrap_or_default() }
            </span>
        </div>
    }
}
