//! "Share a link": the last statement of a playground as an address that adds the same
//! database and opens its playground with the statement run (`?src=…&sql=…`), copied to the
//! clipboard. Only a database added from an address can be shared so: a file from this
//! computer has none to put in a link.

use yew::prelude::*;

use stepwise_protocol::Entry;

use super::step_content::copy_text;

/// Props of [`ShareQuery`].
#[derive(Properties, PartialEq)]
pub struct ShareQueryProps {
    /// The database.
    pub entry: Entry,
    /// The statement to share (the last one run), if any.
    pub sql: Option<AttrValue>,
}

/// The link for `source` and `sql`, from the app at `app` (its address without query or
/// fragment). A source beside the app is written relative to it, so the link stays short.
pub fn share_link(app: &str, source: &str, sql: &str) -> String {
    let dir = app.rsplit_once('/').map_or(app, |(d, _)| d);
    let src = source.strip_prefix(dir).and_then(|s| s.strip_prefix('/')).filter(|s| !s.is_empty()).unwrap_or(source);
    format!("{app}?src={}&sql={}", encode(src), encode(sql))
}

/// Percent-encodes all but the characters `encodeURIComponent` keeps.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn app_address() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!("{}{}", location.origin().ok()?, location.pathname().ok()?))
}

/// The button, and the link it made (or why there is none).
#[component]
pub fn ShareQuery(props: &ShareQueryProps) -> Html {
    let shown = use_state(|| None::<Result<String, String>>);
    let on_share = {
        let (shown, source, sql) = (shown.clone(), props.entry.source.clone(), props.sql.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(sql) = &sql else { return };
            shown.set(Some(match (&source, app_address()) {
                (Some(source), Some(app)) => {
                    let link = share_link(&app, source, sql);
                    copy_text(&link);
                    Ok(link)
                }
                _ => Err("A link needs a database on the web: this one came from a file or was made here, so \
                          there is no address a link could fetch it from. Put the file on a web server and add it \
                          by its address to share queries on it."
                    .to_owned()),
            }));
        })
    };
    html! {
        <div class="share-query">
            <button class="small" onclick={on_share} disabled={props.sql.is_none()}
                    title="A link that adds this database and runs the last statement">
                { "Share a link to the last statement" }
            </button>
            { match &*shown {
                Some(Ok(link)) => html! {
                    <p class="share-link" role="status">
                        <label for="share-link">{ "Copied to the clipboard:" }</label>
                        <input id="share-link" type="url" readonly=true value={link.clone()} />
                    </p>
                },
                Some(Err(why)) => html! { <p class="meta share-link" role="status">{ why.clone() }</p> },
                None => html! {},
            } }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::share_link;

    #[test]
    fn links_encode_the_statement_and_shorten_a_source_beside_the_app() {
        let app = "https://school.example/stepwise/";
        assert_eq!(
            share_link(app, "https://school.example/stepwise/samples/chinook.db", "SELECT * FROM t WHERE a = 'x&y'"),
            "https://school.example/stepwise/?src=samples%2Fchinook.db&sql=SELECT%20*%20FROM%20t%20WHERE%20a%20%3D%20'x%26y'"
        );
        assert_eq!(
            share_link("https://a.example/index.html", "https://b.example/d.db", "é"),
            "https://a.example/index.html?src=https%3A%2F%2Fb.example%2Fd.db&sql=%C3%A9"
        );
    }
}
