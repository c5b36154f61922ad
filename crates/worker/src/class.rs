//! The teacher's class: handed-in `.db` files read one request at a time into the worker's
//! memory (never into storage: nothing of a class is kept unless the teacher adds a file to the
//! library), summarised and offered as CSV by `stepwise_artifact::class`.

use stepwise_artifact::class::{class_csv, read_hand_in, summarise};
use stepwise_protocol::{ClassView, DownloadReady, ErrorKind, HandIn, HandInRead, Unread, WorkerError};

use crate::blobs::Downloads;
use crate::errors::About;
use crate::library::now;

/// Largest hand-in read, in bytes: a workshop and a learner's workspace are far smaller.
pub const HAND_IN_LIMIT: u64 = 64 << 20;

/// The hand-ins read so far, and the files that were not hand-ins.
#[derive(Default)]
pub struct Class {
    hand_ins: Vec<HandIn>,
    unread: Vec<Unread>,
}

impl Class {
    /// Reads `bytes` (the file `name`) into the class. A file that is not a hand-in is listed in
    /// the summary's `unread` and refused.
    ///
    /// # Errors
    /// One line naming the file: not SQLite, damaged, a plain database, too large.
    pub fn read(&mut self, name: &str, bytes: Result<Vec<u8>, WorkerError>) -> Result<HandInRead, WorkerError> {
        let read = bytes.and_then(|bytes| Ok(read_hand_in(&bytes, name, &now()).about(name)?));
        match read {
            Ok(hand_in) => {
                self.hand_ins.push(hand_in);
                Ok(HandInRead { count: self.hand_ins.len() as u32 })
            }
            Err(error) => {
                self.unread.push(Unread { file_name: name.to_owned(), reason: error.message.clone() });
                Err(error)
            }
        }
    }

    /// The class as read so far.
    pub fn summary(&self) -> ClassView {
        summarise(&self.hand_ins, &self.unread)
    }

    /// The class table as a CSV download, `<slug>-class.csv`.
    ///
    /// # Errors
    /// No hand-in read yet; the browser could not make the download.
    pub fn csv(&self, downloads: &mut Downloads) -> Result<DownloadReady, WorkerError> {
        if self.hand_ins.is_empty() {
            return Err(WorkerError::new(
                ErrorKind::BadRequest,
                "No hand-in has been read: there is no class to save.",
            ));
        }
        let view = self.summary();
        let text = class_csv(&view);
        downloads.offer([text.as_bytes()], &format!("{}-class.csv", view.slug), "text/csv")
    }

    /// Forgets every hand-in.
    pub fn clear(&mut self) {
        *self = Class::default();
    }
}

/// Refuses a file larger than [`HAND_IN_LIMIT`] before reading it.
///
/// # Errors
/// [`ErrorKind::Invalid`] naming the file and its size.
pub fn check_size(name: &str, size: f64) -> Result<(), WorkerError> {
    if size > HAND_IN_LIMIT as f64 {
        return Err(WorkerError::new(
            ErrorKind::Invalid,
            format!(
                "{} is {:.0} MB; a hand-in is at most {} MB. It was not read.",
                stepwise_artifact::Shown(name),
                size / 1e6,
                HAND_IN_LIMIT >> 20
            ),
        ));
    }
    Ok(())
}
