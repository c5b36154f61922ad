//! Queries saved by name for one database, in this browser (`localStorage`, one list per
//! stored database): the playground's last statement saved under a name, each one put back
//! in the editor with a click, removed with ×.

use serde::{Deserialize, Serialize};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Longest name of a saved query, in characters.
const NAME_LIMIT: usize = 80;

/// One saved query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedQuery {
    /// Its name.
    pub name: String,
    /// The statement.
    pub sql: String,
}

fn key(entry: &str) -> String {
    format!("stepwise.saved-queries.{entry}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The queries saved for `entry` (none when the browser keeps nothing or the list is unreadable).
pub fn load(entry: &str) -> Vec<SavedQuery> {
    storage()
        .and_then(|s| s.get_item(&key(entry)).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn store(entry: &str, list: &[SavedQuery]) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(list)) {
        let _ = s.set_item(&key(entry), &text);
    }
}

/// `list` with `query` in it: a query of the same name is replaced, names sorted.
pub fn with(mut list: Vec<SavedQuery>, query: SavedQuery) -> Vec<SavedQuery> {
    list.retain(|q| q.name != query.name);
    list.push(query);
    list.sort_by_key(|q| q.name.to_lowercase());
    list
}

/// Props of [`SavedQueries`].
#[derive(Properties, PartialEq)]
pub struct SavedQueriesProps {
    /// The database's entry id.
    pub entry: AttrValue,
    /// The statement run last, which "Save" keeps.
    pub last: Option<AttrValue>,
    /// A saved query was chosen: put it in the editor.
    pub on_pick: Callback<String>,
}

/// The list and the form that saves the last statement.
#[component]
pub fn SavedQueries(props: &SavedQueriesProps) -> Html {
    let list = use_state(|| load(&props.entry));
    let name = use_node_ref();
    let on_save = {
        let (list, name, entry, last) = (list.clone(), name.clone(), props.entry.clone(), props.last.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(input), Some(sql)) = (name.cast::<HtmlInputElement>(), last.clone()) else { return };
            let text: String = input.value().trim().chars().take(NAME_LIMIT).collect();
            if text.is_empty() {
                return;
            }
            let next = with((*list).clone(), SavedQuery { name: text, sql: sql.to_string() });
            store(&entry, &next);
            list.set(next);
            input.set_value("");
        })
    };
    html! {
        <section class="pg-saved" aria-labelledby="pg-saved-title">
            <h2 id="pg-saved-title">{ "Saved queries" }</h2>
            if list.is_empty() {
                <p class="meta">{ "None yet. Run a statement, then save it here under a name." }</p>
            } else {
                <ul>
                    { for list.iter().map(|q| {
                        let pick = {
                            let (on_pick, sql) = (props.on_pick.clone(), q.sql.clone());
                            Callback::from(move |_: MouseEvent| on_pick.emit(sql.clone()))
                        };
                        let remove = {
                            let (list, entry, name) = (list.clone(), props.entry.clone(), q.name.clone());
                            Callback::from(move |_: MouseEvent| {
                                let next: Vec<SavedQuery> = list.iter().filter(|q| q.name != name).cloned().collect();
                                store(&entry, &next);
                                list.set(next);
                            })
                        };
                        html! {
                            <li>
                                <button class="linkish" onclick={pick} title={q.sql.clone()}>{ q.name.clone() }</button>
                                <button class="quiet small" onclick={remove} aria-label={format!("Remove the saved query {}", q.name)}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            <form class="pg-save" onsubmit={on_save}>
                <label for="pg-save-name">{ "Save the last statement as" }</label>
                <div class="add-url-row">
                    <input ref={name} id="pg-save-name" type="text" maxlength="80" autocomplete="off" required=true
                           disabled={props.last.is_none()} />
                    <button type="submit" disabled={props.last.is_none()}>{ "Save" }</button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_saved_again_replaces_the_query_and_names_stay_sorted() {
        let q = |name: &str, sql: &str| SavedQuery { name: name.into(), sql: sql.into() };
        let list = with(with(Vec::new(), q("top", "SELECT 1")), q("Apples", "SELECT 2"));
        let list = with(list, q("top", "SELECT 3"));
        assert_eq!(list, vec![q("Apples", "SELECT 2"), q("top", "SELECT 3")]);
    }
}
