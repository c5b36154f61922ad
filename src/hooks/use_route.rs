//! The page's address: `#/` is the library, `#/w/<id>` an opened database (`/s/<slug>` one of
//! its steps, `/done` its completion page), `#/p/<id>` its playground, `#/class` the teacher's
//! class view. Links are plain
//! `<a href="#/w/…">`, so reloading returns to the same place and the back button works.

use yew::prelude::*;

/// Where the page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The library (any address that names nothing else).
    Library,
    /// One stored database, by entry id.
    Entry(String),
    /// One step of a stored workshop: `#/w/<id>/s/<slug>`.
    Step(String, String),
    /// The completion page of a stored workshop: `#/w/<id>/done`.
    Done(String),
    /// The SQL playground of a stored database, by entry id (`#/p/<id>`).
    Playground(String),
    /// The teacher's class view: hand-ins read in memory (`#/class`).
    Class,
}

impl Route {
    /// Reads a `location.hash` (`#/w/abc`).
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        if path == "class" {
            return Route::Class;
        }
        if let Some(id) = path.strip_prefix("p/").filter(|id| !id.is_empty() && !id.contains('/')) {
            return Route::Playground(js_decode(id));
        }
        match path.strip_prefix("w/") {
            Some(id) if !id.is_empty() && !id.contains('/') => Route::Entry(js_decode(id)),
            Some(rest) if rest.strip_suffix("/done").is_some_and(|id| !id.is_empty() && !id.contains('/')) => {
                Route::Done(js_decode(rest.trim_end_matches("/done")))
            }
            Some(rest) => match rest.split_once("/s/") {
                Some((id, step)) if !id.is_empty() && !id.contains('/') && !step.is_empty() && !step.contains('/') => {
                    Route::Step(js_decode(id), js_decode(step))
                }
                _ => Route::Library,
            },
            _ => Route::Library,
        }
    }

    /// The `href` that leads here.
    pub fn href(&self) -> String {
        match self {
            Route::Library => "#/".to_owned(),
            Route::Entry(id) => format!("#/w/{}", js_encode(id)),
            Route::Step(id, step) => format!("#/w/{}/s/{}", js_encode(id), js_encode(step)),
            Route::Done(id) => format!("#/w/{}/done", js_encode(id)),
            Route::Playground(id) => format!("#/p/{}", js_encode(id)),
            Route::Class => "#/class".to_owned(),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn js_decode(text: &str) -> String {
    js_sys::decode_uri_component(text).map(String::from).unwrap_or_else(|_| text.to_owned())
}

#[cfg(target_arch = "wasm32")]
fn js_encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

#[cfg(not(target_arch = "wasm32"))]
fn js_decode(text: &str) -> String {
    text.to_owned()
}

#[cfg(not(target_arch = "wasm32"))]
fn js_encode(text: &str) -> String {
    text.to_owned()
}

/// The route of the address as it is now.
pub fn current() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    Route::parse(&hash)
}

/// Goes to `route` as a link would (a new history entry), unless the page is there already.
pub fn navigate(route: &Route) {
    if current() == *route {
        return;
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&route.href());
    }
}

/// Shows `route` in the address bar without a new history entry (and without a `hashchange`).
pub fn replace(route: &Route) {
    if let Some(window) = web_sys::window()
        && let Ok(history) = window.history()
    {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&route.href()));
    }
}

/// Goes to `route` in place of the current history entry (a `hashchange` follows, so the page
/// shows it).
pub fn redirect(route: &Route) {
    if current() == *route {
        return;
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(&route.href());
    }
}

/// The current route, updated on every `hashchange`.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(current);
    {
        let set = route.setter();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|window| gloo_events::EventListener::new(&window, "hashchange", move |_| set.set(current())));
            move || drop(listener)
        });
    }
    (*route).clone()
}

/// `text` resolved against the page's address (so `samples/x.db` works too).
pub fn absolute(text: &str) -> String {
    let base = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    web_sys::Url::new_with_base(text, &base).map(|u| u.href()).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_the_library_or_an_entry() {
        for (hash, route) in [
            ("", Route::Library),
            ("#", Route::Library),
            ("#/", Route::Library),
            ("#/w/", Route::Library),
            ("#/elsewhere", Route::Library),
            ("#/w/abc", Route::Entry("abc".into())),
            ("#w/abc", Route::Entry("abc".into())),
        ] {
            assert_eq!(Route::parse(hash), route, "{hash}");
        }
        assert_eq!(Route::Entry("abc".into()).href(), "#/w/abc");
        assert_eq!(Route::Library.href(), "#/");
        assert_eq!(Route::parse("#/w/abc/s/inner-join"), Route::Step("abc".into(), "inner-join".into()));
        assert_eq!(Route::Step("abc".into(), "x".into()).href(), "#/w/abc/s/x");
        assert_eq!(Route::parse("#/w/abc/s/"), Route::Library);
        assert_eq!(Route::parse("#/w/abc/s/x/y"), Route::Library);
        assert_eq!(Route::parse("#/w/abc/done"), Route::Done("abc".into()));
        assert_eq!(Route::Done("abc".into()).href(), "#/w/abc/done");
        assert_eq!(Route::parse("#/w/done"), Route::Entry("done".into()));
        assert_eq!(Route::parse("#/w//done"), Route::Library);
    }

    #[test]
    fn playground_addresses_name_an_entry() {
        assert_eq!(Route::parse("#/p/abc"), Route::Playground("abc".into()));
        assert_eq!(Route::parse("#/p/"), Route::Library);
        assert_eq!(Route::Playground("abc".into()).href(), "#/p/abc");
    }
}
