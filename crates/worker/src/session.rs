//! The workshop being played: what the player keeps between requests.

use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Runtime, Workshop};

/// The workshop being played, loaded and checked once, its runtime state, and the learner's
/// workspace database kept live in memory.
pub struct Session {
    /// The library entry's id.
    pub(crate) entry: String,
    /// The file name the learner knows it by, for messages.
    pub(crate) file_name: String,
    /// Definition and artifacts.
    pub(crate) workshop: Workshop,
    /// The learner's progress, as last saved.
    pub(crate) runtime: Runtime,
    /// The learner's workspace, live (`None` until there is one).
    pub(crate) workspace: Option<Connection>,
}
