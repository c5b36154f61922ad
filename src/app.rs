//! The root component: the page as a whole.

use yew::prelude::*;

use crate::components::{SampleList, TopBar, WorkerStatusLine};
use crate::hooks::use_worker;

/// The Stepwise page.
#[component]
pub fn App() -> Html {
    let worker = use_worker();
    html! {
        <>
            <TopBar />
            <crate::components::OfflineNotice />
            <crate::components::UpdateBanner />
            <main class="page">
                <article>
                    <h1>{ "Hands-on workshops in one file" }</h1>
                    <p>
                        { "Stepwise plays workshops that ship as a single SQLite file: the steps, \
                           their explanations, the checks and your progress all live in one " }
                        <code>{ ".db" }</code>
                        { " you can download, hand in or carry on a USB stick." }
                    </p>
                    <p>
                        { "Everything runs in this browser tab. Nothing you open here is sent to a \
                           server, and authors write their workshops as YAML and Markdown kept in Git." }
                    </p>
                    <section aria-labelledby="try-sample">
                        <h2 id="try-sample">{ "Try the sample workshop" }</h2>
                        <p>
                            { "These workshops were built from the project's " }<code>{ "samples/" }</code>
                            { " folder when this copy of the app was served. Download one to look inside \
                               with any SQLite tool; opening it here comes with the player." }
                        </p>
                        <SampleList />
                    </section>
                </article>
            </main>
            <footer class="page-footer">
                <WorkerStatusLine status={worker} />
            </footer>
        </>
    }
}
