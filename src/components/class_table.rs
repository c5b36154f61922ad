//! The class table: one row per learner (the name from the hand-in, else the file name), one
//! column per step, totals per learner at the left and per step at the foot; a row opens the
//! learner's answers. Flagged hand-ins say why and count in no total.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use stepwise_protocol::{ClassRow, ClassView, Flag, HandIn, Mark, SortKey};

/// Props of [`ClassTable`].
#[derive(Properties, PartialEq)]
pub struct ClassTableProps {
    /// The class, shared with the page.
    pub view: Rc<ClassView>,
    /// Indexes of the rows to show, in order.
    pub shown: Vec<usize>,
    /// The column sorted by, and whether downwards.
    pub sort: (SortKey, bool),
    /// A sortable column's header was clicked.
    pub on_sort: Callback<SortKey>,
    /// Rows whose answers are open.
    pub open_rows: BTreeSet<usize>,
    /// A row's answers were opened or closed.
    pub on_toggle: Callback<usize>,
}

/// A flag in a few words.
pub fn flag_text(flag: &Flag) -> String {
    match flag {
        Flag::Edited => "definition edited: its steps or checks were changed inside the file".to_owned(),
        Flag::OtherVersion { version } => format!("another version of the workshop ({version})"),
        Flag::OtherWorkshop { title } => format!("another workshop: {title}"),
    }
}

fn mark_cell(mark: Mark, hints: u32, solutions: u32, step: &str) -> Html {
    let (class, symbol, word) = match mark {
        Mark::NotStarted => ("not-started", "", "not started"),
        Mark::Started => ("started", "…", "started, not done"),
        Mark::Confirmed => ("confirmed", "✓", "done, on the learner's word"),
        Mark::Verified => ("verified", "✓", "done, verified"),
    };
    let mut help = Vec::new();
    if hints > 0 {
        help.push(format!("{hints} hint{}", if hints == 1 { "" } else { "s" }));
    }
    if solutions > 0 {
        help.push("solution shown".to_owned());
    }
    let label = if help.is_empty() { word.to_owned() } else { format!("{word}, {}", help.join(", ")) };
    let title = format!("{step}: {label}");
    // The words are the cell's name (`aria-label`), not hidden text: 300 learners × every step
    // of visually hidden spans made the browser's layout of the table its longest task.
    html! {
        <td class={classes!("mark", class)} {title} aria-label={label}>
            <span aria-hidden="true">{ symbol }</span>
            if solutions > 0 { <span class="mark-help" aria-hidden="true">{ "S" }</span> }
            else if hints > 0 { <span class="mark-help" aria-hidden="true">{ format!("h{hints}") }</span> }
        </td>
    }
}

fn answers(hand_in: &HandIn, columns: usize) -> Html {
    html! {
        <tr class="class-answers">
            <td colspan={(columns + 4).to_string()}>
                <p class="meta">
                    { format!("{} · {}", hand_in.file_name, hand_in.title) }
                    { if hand_in.version.is_empty() { String::new() } else { format!(" {}", hand_in.version) } }
                    { hand_in.minutes.map(|m| format!(" · {m} min from the first step to the last")).unwrap_or_default() }
                </p>
                <ol class="class-steps">
                    { for hand_in.steps.iter().map(|step| html! {
                        <li>
                            <strong>{ step.title.clone() }</strong>
                            { format!(" — {}", match step.mark {
                                Mark::NotStarted => "not started",
                                Mark::Started => "started",
                                Mark::Confirmed => "done (on the learner's word)",
                                Mark::Verified => "done, verified",
                            }) }
                            if step.answers.is_empty() {
                                <span class="meta">{ if step.mark == Mark::NotStarted { "" } else { " · no answer checked" } }</span>
                            } else {
                                <ul>
                                    { for step.answers.iter().map(|a| html! {
                                        <li class={if a.passed { "passed" } else { "failed" }}>
                                            { format!("{} {}", if a.passed { "✓" } else { "✗" }, a.check) }
                                            if a.failures > 0 { <span class="meta">{ format!(" · {} failed before", a.failures) }</span> }
                                            if let Some(input) = &a.input { <pre><code>{ input.clone() }</code></pre> }
                                        </li>
                                    }) }
                                </ul>
                            }
                        </li>
                    }) }
                </ol>
            </td>
        </tr>
    }
}

fn row(index: usize, r: &ClassRow, view: &ClassView, open: bool, on_toggle: &Callback<usize>) -> Html {
    let toggle = {
        let on_toggle = on_toggle.clone();
        Callback::from(move |_: MouseEvent| on_toggle.emit(index))
    };
    let steps = &r.hand_in.steps;
    let cells: Vec<Html> = view
        .steps
        .iter()
        .zip(&r.marks)
        .map(|(column, mark)| {
            let own = steps.iter().find(|s| s.slug == column.slug);
            let (hints, solutions) = own.map_or((0, 0), |s| (s.hints_opened, s.solutions_shown));
            mark_cell(*mark, hints, solutions, &column.title)
        })
        .collect();
    let last = r.hand_in.last_activity.as_deref().map(|at| at.replace('T', " ").trim_end_matches('Z').to_owned());
    html! {
        <>
        <tr class={classes!(r.flag.is_some().then_some("flagged"))} data-learner={r.hand_in.who().to_owned()}>
            <th scope="row">
                <button class="linkish" aria-expanded={open.to_string()} onclick={toggle}
                        title="Show this learner's answers">{ r.hand_in.who().to_owned() }</button>
                if let Some(flag) = &r.flag { <span class="class-flag">{ flag_text(flag) }</span> }
            </th>
            <td class="num">{ format!("{} / {}", r.done, steps.len()) }</td>
            <td class="num">{ format!("{} · {}", r.hints_opened, r.solutions_shown) }</td>
            <td class="when">{ last.unwrap_or_default() }</td>
            { cells }
        </tr>
        if open { { answers(&r.hand_in, view.steps.len()) } }
        </>
    }
}

/// The table.
#[component]
pub fn ClassTable(props: &ClassTableProps) -> Html {
    let view = &props.view;
    let (key, descending) = props.sort;
    let header = |label: &'static str, column: SortKey, class: &'static str| {
        let on_sort = props.on_sort.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_sort.emit(column));
        let sort = match (key == column, descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        html! {
            <th scope="col" class={class} aria-sort={sort}>
                <button class="sort" {onclick}>{ label }</button>
            </th>
        }
    };
    let learners = view.rows.iter().filter(|r| r.flag.is_none()).count();
    html! {
        <div class="result-scroll class-scroll">
            <table class="class-table">
                <caption class="visually-hidden">{ "Learners by step" }</caption>
                <thead>
                    <tr>
                        { header("Learner", SortKey::Name, "") }
                        { header("Done", SortKey::Done, "num") }
                        { header("Hints · solutions", SortKey::Help, "num") }
                        { header("Last activity", SortKey::LastActivity, "") }
                        { for view.steps.iter().enumerate().map(|(i, s)| html! {
                            <th scope="col" class="step-col" title={s.title.clone()}>
                                <span aria-hidden="true">{ (i + 1).to_string() }</span>
                                <span class="visually-hidden">{ format!("Step {}: {}", i + 1, s.title) }</span>
                            </th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    { for props.shown.iter().map(|&i| row(i, &view.rows[i], view, props.open_rows.contains(&i), &props.on_toggle)) }
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{ format!("Done, of {learners}") }</th>
                        <td></td><td></td><td></td>
                        { for view.steps.iter().map(|s| html! {
                            <td class="num step-total" data-step={s.slug.clone()}
                                title={format!("{}: {} done ({} verified), {} stuck, {} hints, {} solutions",
                                               s.title, s.done, s.verified, s.started, s.hints_opened, s.solutions_shown)}>
                                { s.done.to_string() }
                            </td>
                        }) }
                    </tr>
                    <tr>
                        <th scope="row">{ "Stuck (started, not done)" }</th>
                        <td></td><td></td><td></td>
                        { for view.steps.iter().map(|s| html! {
                            <td class={classes!("num", "step-stuck", (s.started > 0).then_some("some"))}>{ s.started.to_string() }</td>
                        }) }
                    </tr>
                    <tr>
                        <th scope="row">{ "Hints · solutions" }</th>
                        <td></td><td></td><td></td>
                        { for view.steps.iter().map(|s| html! {
                            <td class="num">{ format!("{} · {}", s.hints_opened, s.solutions_shown) }</td>
                        }) }
                    </tr>
                </tfoot>
            </table>
            <p class="meta class-legend">
                { "✓ done and verified by Stepwise · " }<span class="mark confirmed">{ "✓" }</span>
                { " done on the learner's word · … started · h2 hints opened · S solution shown. Step numbers: hover for the title." }
            </p>
        </div>
    }
}
