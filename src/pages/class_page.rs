//! The teacher's class view at `#/class`: pick or drop the `.db` files learners handed in; the
//! worker reads each in memory (nothing is stored, nothing leaves the browser) and the page
//! shows learners × steps with totals, flags the hand-ins of another workshop or version or with
//! an edited definition, sorts and filters, opens a learner's answers, saves the table as CSV and
//! prints it.

use std::collections::BTreeSet;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, HtmlInputElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use stepwise_protocol::{ClassCsv, ClassSummary, ClassView, ClearClass, ReadHandIn, SortKey};

use crate::components::add_workshop::opens_picker;
use crate::components::class_table::ClassTable;
use crate::format::count;
use crate::hooks::use_library;

use super::library_page::set_title;

/// Files being read: how many of how many.
#[derive(Clone, Copy, PartialEq)]
struct Reading {
    done: u32,
    total: u32,
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The page at `#/class`.
#[component]
pub fn ClassPage() -> Html {
    let (_, commands) = use_library();
    // Shared, not cloned, with the table: the view holds every learner's answers, and its
    // equality is the pointer's (`Rc` of an `Eq` type), so a re-render compares nothing more.
    let view = use_state(|| None::<Rc<ClassView>>);
    let reading = use_state(|| None::<Reading>);
    let sort = use_state(|| (SortKey::Read, false));
    let filter = use_state(String::new);
    let flagged_only = use_state(|| false);
    let open_rows = use_state(BTreeSet::<usize>::new);
    let picker = use_node_ref();
    use_effect_with((), |_| set_title("Class · Stepwise"));

    // Whether a reading runs: the drop listener keeps the first render's callback, so this
    // lives outside the state it would see stale.
    let busy_reading = use_mut_ref(|| false);
    // Reads `files` one by one into the worker's class, then asks for the summary.
    let read = {
        let (commands, view, reading) = (commands.clone(), view.clone(), reading.clone());
        let busy_reading = busy_reading.clone();
        Callback::from(move |files: Vec<File>| {
            if files.is_empty() || std::mem::replace(&mut *busy_reading.borrow_mut(), true) {
                return;
            }
            let (commands, view, reading) = (commands.clone(), view.clone(), reading.clone());
            let busy_reading = busy_reading.clone();
            spawn_local(async move {
                let worker = commands.worker().clone();
                let total = files.len() as u32;
                reading.set(Some(Reading { done: 0, total }));
                for (i, file) in files.into_iter().enumerate() {
                    let request = ReadHandIn { name: file.name() };
                    // A file that is not a hand-in is listed by the summary; go on with the rest.
                    let _ = worker.call_with(worker.next_id(), request, Some(file), None).await;
                    reading.set(Some(Reading { done: i as u32 + 1, total }));
                }
                match worker.call(ClassSummary {}).await {
                    Ok(summary) => view.set(Some(Rc::new(summary))),
                    Err(error) => commands.alert("The class", &error),
                }
                reading.set(None);
                *busy_reading.borrow_mut() = false;
            });
        })
    };

    // Dropped files: the drop zone leaves them to this page while it is shown.
    {
        let read = read.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a page has a window");
            let active = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&window, "drop", active, move |event| {
                let event: &DragEvent = event.unchecked_ref();
                let files = files_of(event.data_transfer().and_then(|dt| dt.files()));
                if !files.is_empty() {
                    event.prevent_default();
                    read.emit(files);
                }
            });
            move || drop(listener)
        });
    }

    let on_choose = opens_picker(&picker);
    let on_picked = {
        let read = read.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
            let files = files_of(input.files());
            input.set_value("");
            read.emit(files);
        })
    };
    let on_csv = {
        let commands = commands.clone();
        Callback::from(move |_: MouseEvent| {
            let commands = commands.clone();
            spawn_local(async move {
                let answer = commands.worker().call(ClassCsv {}).await;
                let id = commands.worker().next_id();
                commands.saved(id, "The class", answer);
            });
        })
    };
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    let on_clear = {
        let (commands, view, open_rows) = (commands.clone(), view.clone(), open_rows.clone());
        Callback::from(move |_: MouseEvent| {
            let (commands, view, open_rows) = (commands.clone(), view.clone(), open_rows.clone());
            spawn_local(async move {
                match commands.worker().call(ClearClass {}).await {
                    Ok(()) => {
                        view.set(None);
                        open_rows.set(BTreeSet::new());
                    }
                    Err(error) => commands.alert("The class", &error),
                }
            });
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                filter.set(input.value());
            }
        })
    };
    let on_flagged = {
        let flagged_only = flagged_only.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                flagged_only.set(input.checked());
            }
        })
    };
    let on_sort = {
        let sort = sort.clone();
        Callback::from(move |key: SortKey| {
            let (current, descending) = *sort;
            // A new column sorts the way a teacher reads it first: most done, most help, latest.
            let first_descending = !matches!(key, SortKey::Name | SortKey::Read);
            sort.set((key, if current == key { !descending } else { first_descending }));
        })
    };
    let on_toggle = {
        let open_rows = open_rows.clone();
        Callback::from(move |row: usize| {
            let mut next = (*open_rows).clone();
            if !next.remove(&row) {
                next.insert(row);
            }
            open_rows.set(next);
        })
    };

    let busy = reading.is_some();
    let progress = reading.map(|r| {
        html! {
            <div class="class-reading" role="status">
                <progress max={r.total.to_string()} value={r.done.to_string()} aria-label="Hand-ins read"></progress>
                <span class="meta">{ format!("Reading {} of {}…", r.done, count(r.total, "hand-in", "hand-ins")) }</span>
            </div>
        }
    });
    let body = (*view).as_ref().map(|v| {
        let flagged = v.rows.iter().filter(|r| r.flag.is_some()).count() as u32;
        let unread = (!v.unread.is_empty()).then(|| {
            html! {
                <details class="class-unread">
                    <summary>{ format!("{} not read", count(v.unread.len() as u32, "file", "files")) }</summary>
                    <ul>{ for v.unread.iter().map(|u| html! { <li>{ u.reason.clone() }</li> }) }</ul>
                </details>
            }
        });
        let (key, descending) = *sort;
        let shown = v.shown_rows(key, descending, &filter, *flagged_only);
        html! {
            <>
            <section class="class-summary" aria-label="The class">
                <p>
                    <strong>{ v.title.clone() }</strong>
                    { if v.version.is_empty() { String::new() } else { format!(" · version {}", v.version) } }
                    { format!(" · {}", count(v.rows.len() as u32, "hand-in", "hand-ins")) }
                    if flagged > 0 {
                        <span class="class-flag-count">{ format!(" · {flagged} flagged, kept out of the totals") }</span>
                    }
                </p>
                if let Some(list) = unread { { list } }
                <div class="class-actions no-print">
                    <button onclick={on_csv} disabled={busy}>{ "Save as CSV" }</button>
                    <button onclick={on_print}>{ "Print" }</button>
                    <button class="quiet" onclick={on_clear} disabled={busy}>{ "Clear the class" }</button>
                </div>
                <div class="class-filters no-print">
                    <label for="class-filter">{ "Filter by name" }</label>
                    <input id="class-filter" type="search" value={(*filter).clone()} oninput={on_filter} />
                    <label class="check-label">
                        <input type="checkbox" checked={*flagged_only} onchange={on_flagged} />
                        { " Flagged only" }
                    </label>
                    <span class="meta" aria-live="polite">
                        { format!("{} shown", count(shown.len() as u32, "learner", "learners")) }
                    </span>
                </div>
            </section>
            <ClassTable view={v.clone()} {shown} sort={*sort} {on_sort} open_rows={(*open_rows).clone()} {on_toggle} />
            </>
        }
    });

    html! {
        <article class="class-page">
            <h1>{ "Class" }</h1>
            <p class="class-intro">
                { "Pick or drop the " }<code>{ ".db" }</code>
                { " files your learners handed in (from their completion page) to see the class at a glance. \
                   They are read in this browser's memory: nothing is stored and nothing leaves the browser." }
            </p>
            <div class="add-file no-print">
                <button class="primary" onclick={on_choose} disabled={busy}>
                    { if view.is_some() { "Add more hand-ins…" } else { "Choose hand-ins…" } }
                </button>
                <input ref={picker} id="class-files" class="visually-hidden" type="file" multiple=true tabindex="-1"
                       accept=".db,.sqlite,.sqlite3,application/vnd.sqlite3" aria-label="Handed-in files"
                       onchange={on_picked} />
                <span class="meta">{ "or drop them anywhere on this page." }</span>
            </div>
            if let Some(p) = progress { { p } }
            if let Some(b) = body { { b } }
        </article>
    }
}
