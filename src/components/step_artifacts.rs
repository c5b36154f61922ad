//! A step's compiled artifacts under its content, loaded when the learner opens the
//! panel: the Kubernetes manifests one resource at a time (copy, download), the files of the
//! file-state archive (text shown, binary described) and the educational state.

use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::WorkerHandle;
use stepwise_protocol::{Artifacts, ArtifactsView, ManifestDoc};

use super::step_content::copy_text;

/// Props of [`StepArtifacts`].
#[derive(Properties, PartialEq)]
pub struct StepArtifactsProps {
    /// The stored workshop's id.
    pub entry: AttrValue,
    /// The step's slug.
    pub step: AttrValue,
    /// The worker.
    pub worker: WorkerHandle,
}

/// Loading state of the panel.
#[derive(Clone, PartialEq)]
enum Load {
    Idle,
    Loading,
    Done(ArtifactsView),
    Failed(String),
}

/// Offers `text` for download as `file_name`, from a Blob made on the page.
fn download_text(text: &str, file_name: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(document) = web_sys::window().and_then(|w| w.document())
        && let Ok(a) = document.create_element("a")
        && let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        a.set_href(&url);
        a.set_download(file_name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// `1.2 KiB`-style size.
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1 << 20 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
    }
}

/// The artifacts panel.
#[component]
pub fn StepArtifacts(props: &StepArtifactsProps) -> Html {
    let load = use_state(|| Load::Idle);
    let open = use_state(|| false);
    let resource = use_state(|| 0usize);
    let file = use_state(|| None::<usize>);
    let copied = use_state(|| false);

    // Another step: fold and forget.
    {
        let (load, open, resource, file) = (load.clone(), open.clone(), resource.clone(), file.clone());
        use_effect_with((props.entry.clone(), props.step.clone()), move |_| {
            load.set(Load::Idle);
            open.set(false);
            resource.set(0);
            file.set(None);
        });
    }

    let on_toggle = {
        let (load, open, worker, entry, step) =
            (load.clone(), open.clone(), props.worker.clone(), props.entry.clone(), props.step.clone());
        Callback::from(move |e: Event| {
            let is_open = e.target_dyn_into::<web_sys::HtmlDetailsElement>().is_some_and(|d| d.open());
            open.set(is_open);
            if is_open && matches!(*load, Load::Idle | Load::Failed(_)) {
                load.set(Load::Loading);
                let (load, worker) = (load.clone(), worker.clone());
                let request = Artifacts { entry: entry.to_string(), step: step.to_string() };
                spawn_local(async move {
                    match worker.call(request).await {
                        Ok(view) => load.set(Load::Done(view)),
                        Err(error) => load.set(Load::Failed(error.message)),
                    }
                });
            }
        })
    };

    let body = match &*load {
        Load::Idle => html! {},
        Load::Loading => html! { <p class="meta" aria-busy="true">{ "Loading…" }</p> },
        Load::Failed(message) => html! { <p class="notice" role="alert">{ message.clone() }</p> },
        Load::Done(view) => {
            let manifests = if view.manifests.is_empty() {
                html! {}
            } else {
                let index = (*resource).min(view.manifests.len() - 1);
                let doc = &view.manifests[index];
                let label = |d: &ManifestDoc| format!("{} {}", d.kind, d.name).trim().to_owned();
                let on_select = {
                    let (resource, copied) = (resource.clone(), copied.clone());
                    Callback::from(move |e: Event| {
                        if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                            resource.set(s.selected_index().max(0) as usize);
                            copied.set(false);
                        }
                    })
                };
                let on_copy = {
                    let (text, copied) = (doc.text.clone(), copied.clone());
                    Callback::from(move |_| {
                        copy_text(&text);
                        copied.set(true);
                    })
                };
                let on_download = {
                    let text = doc.text.clone();
                    let name = format!("{}-{}.yaml", doc.kind.to_lowercase(), doc.name)
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' })
                        .collect::<String>();
                    Callback::from(move |_| download_text(&text, &name))
                };
                html! {
                    <section class="artifact-manifests" aria-labelledby="artifact-manifests-title">
                        <h4 id="artifact-manifests-title">{ "Kubernetes manifests" }</h4>
                        <div class="artifact-toolbar">
                            <label for="artifact-resource">{ format!("Resource ({} of {})", index + 1, view.manifests.len()) }</label>
                            <select id="artifact-resource" onchange={on_select}>
                                { for view.manifests.iter().enumerate().map(|(i, d)| html! {
                                    <option value={i.to_string()} selected={i == index}>{ label(d) }</option>
                                }) }
                            </select>
                            <button class="secondary small" onclick={on_copy}>{ "Copy" }</button>
                            <button class="secondary small" onclick={on_download}>{ "Download" }</button>
                            if *copied { <span class="meta" role="status">{ "Copied." }</span> }
                        </div>
                        <pre class="artifact-text manifest-text"><code>{ doc.text.clone() }</code></pre>
                    </section>
                }
            };
            let files = if view.files.is_empty() {
                html! {}
            } else {
                let shown = (*file).and_then(|i| view.files.get(i).map(|f| (i, f)));
                html! {
                    <section class="artifact-files" aria-labelledby="artifact-files-title">
                        <h4 id="artifact-files-title">{ "Files" }</h4>
                        <ul class="file-list">
                            { for view.files.iter().enumerate().map(|(i, f)| {
                                let file = file.clone();
                                let depth = f.path.matches('/').count();
                                let name = f.path.rsplit('/').next().unwrap_or(&f.path).to_owned();
                                let dir = f.path[..f.path.len() - name.len()].to_owned();
                                html! {
                                    <li class={format!("depth-{}", depth.min(6))}>
                                        <button class="file-link" aria-pressed={(shown.map(|s| s.0) == Some(i)).to_string()}
                                                data-path={f.path.clone()} onclick={Callback::from(move |_| file.set(Some(i)))}>
                                            <span class="meta">{ dir }</span>{ name }
                                        </button>
                                        { " " }<span class="meta">{ size(f.bytes) }</span>
                                    </li>
                                }
                            }) }
                        </ul>
                        if let Some((_, f)) = shown {
                            <div class="file-view" aria-live="polite">
                                <p class="meta"><code>{ f.path.clone() }</code></p>
                                if let Some(text) = &f.text {
                                    <pre class="artifact-text file-text"><code>{ text.clone() }</code></pre>
                                } else {
                                    <p class="meta file-binary">{ format!("binary file, {} bytes", f.bytes) }</p>
                                }
                            </div>
                        }
                    </section>
                }
            };
            let state = match &view.state {
                Some(text) => html! {
                    <section class="artifact-state" aria-labelledby="artifact-state-title">
                        <h4 id="artifact-state-title">{ "What you know now" }</h4>
                        <pre class="artifact-text state-text"><code>{ text.clone() }</code></pre>
                    </section>
                },
                None => html! {},
            };
            html! { <>{ manifests }{ files }{ state }</> }
        }
    };

    html! {
        <details class="artifacts" open={*open} ontoggle={on_toggle}>
            <summary>{ "This step's manifests, files and state" }</summary>
            { body }
        </details>
    }
}
