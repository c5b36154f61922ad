//! Builds the workshop of the previewed folder in memory and keeps the last good build, the
//! last error, and who is waiting to hear of the next one.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::Sender;

use stepwise_artifact::archive::FileTree;
use stepwise_artifact::rusqlite::{Connection, MAIN_DB};

/// One event for the page: `build` (a new workshop is ready) or `broken` (the last save did not
/// build; the last good build stays).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// `build` or `broken`.
    pub name: &'static str,
    /// Its JSON data.
    pub data: String,
}

/// What the preview knows of the folder's builds.
#[derive(Default)]
pub struct State {
    /// Counts builds and failed builds alike.
    pub sequence: u64,
    /// The last good build: the `.db`'s bytes and its digest.
    pub good: Option<(Vec<u8>, String)>,
    /// The last failure, cleared by the next good build.
    pub error: Option<String>,
    /// The files the last build read: a change event that left them as they were (reading
    /// them is an event too) builds nothing.
    sources: Option<FileTree>,
}

impl State {
    /// What a page that just connected needs to hear: the last good build, then the error, if
    /// there is one.
    pub fn current(&self) -> Vec<Event> {
        let mut events = Vec::new();
        if let Some((_, digest)) = &self.good {
            events.push(build_event(self.sequence, digest));
        }
        if let Some(message) = &self.error {
            events.push(error_event(self.sequence, message));
        }
        events
    }
}

fn build_event(sequence: u64, digest: &str) -> Event {
    Event { name: "build", data: serde_json::json!({ "sequence": sequence, "digest": digest }).to_string() }
}

fn error_event(sequence: u64, message: &str) -> Event {
    Event { name: "broken", data: serde_json::json!({ "sequence": sequence, "message": message }).to_string() }
}

/// The builds and the pages listening for them.
#[derive(Default)]
pub struct Builds {
    /// The state, shared with the server's threads.
    pub state: Mutex<State>,
    /// One sender per connected page.
    pub listeners: Mutex<Vec<Sender<Event>>>,
}

impl Builds {
    fn tell(&self, event: &Event) {
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.retain(|l| l.send(event.clone()).is_ok());
        }
    }
}

/// The workshop in `tree`, built in memory: the `.db`'s bytes and the digest.
fn build(dir: &Path, tree: &FileTree) -> stepwise_artifact::Result<(Vec<u8>, String)> {
    let mut conn = Connection::open_in_memory().map_err(|e| stepwise_artifact::Error::sqlite("building", e))?;
    let digest = stepwise_artifact::text::build(tree, &dir.display().to_string(), &mut conn)?;
    let bytes = conn.serialize(MAIN_DB).map_err(|e| stepwise_artifact::Error::sqlite("building", e))?;
    Ok((bytes.to_vec(), digest))
}

/// Rebuilds `dir` when its files changed, says so on the terminal, and tells every page.
pub fn rebuild(dir: &Path, builds: &Builds) {
    let tree = stepwise_artifact::native::fs::read_tree(dir);
    let Ok(mut state) = builds.state.lock() else { return };
    if let (Ok(tree), Some(last)) = (&tree, &state.sources)
        && tree == last
    {
        return;
    }
    let result = tree.and_then(|tree| {
        let built = build(dir, &tree);
        state.sources = Some(tree);
        built
    });
    state.sequence += 1;
    let event = match result {
        Ok((bytes, digest)) => {
            eprintln!("built {} ({digest})", dir.display());
            let event = build_event(state.sequence, &digest);
            state.good = Some((bytes, digest));
            state.error = None;
            event
        }
        Err(e) => {
            let message = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("stepwise: error: {message}");
            let event = error_event(state.sequence, &message);
            state.error = Some(message);
            event
        }
    };
    drop(state);
    builds.tell(&event);
}
