//! Bytes in and out of the worker through the page: a `File` posted beside a request read
//! here, and downloads handed to the page as a `blob:` URL made here (the page never holds a
//! whole database).

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, FileReaderSync, Url};

use stepwise_protocol::{DownloadReady, ErrorKind, WorkerError};

use crate::source::describe;

/// The `File` posted beside a request.
///
/// # Errors
/// [`ErrorKind::BadRequest`] when none came.
pub fn posted(file: Option<Blob>, name: &str) -> Result<Blob, WorkerError> {
    file.ok_or_else(|| WorkerError::new(ErrorKind::BadRequest, format!("No file came with {name}.")))
}

/// The whole blob (a zip is read whole: its directory is at its end).
///
/// # Errors
/// The browser could not read it.
pub fn read_all(blob: &Blob, name: &str) -> Result<Vec<u8>, WorkerError> {
    let failed = |e: JsValue| {
        WorkerError::new(ErrorKind::Internal, format!("Stepwise could not read {name}: {}.", describe(&e)))
    };
    let reader = FileReaderSync::new().map_err(failed)?;
    let buffer = reader.read_as_array_buffer(blob).map_err(failed)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A zip by its name, or by its first bytes (`PK\x03\x04`, or `PK\x05\x06` when empty).
pub fn is_zip(name: &str, blob: &Blob) -> bool {
    if name.to_ascii_lowercase().ends_with(".zip") {
        return true;
    }
    let head = blob.slice_with_f64_and_f64(0.0, 4.0).ok().and_then(|b| read_all(&b, name).ok()).unwrap_or_default();
    head == b"PK\x03\x04" || head == b"PK\x05\x06"
}

/// The `blob:` URL of the last download: the next download or a removal revokes it.
#[derive(Default)]
pub struct Downloads {
    last: Option<String>,
}

impl Downloads {
    /// Makes `parts` (the file's bytes, in pieces) downloadable under `file_name`, revoking the
    /// previous download's URL.
    ///
    /// # Errors
    /// The browser could not make the `Blob` or its URL.
    pub fn offer<'a>(
        &mut self,
        parts_of: impl IntoIterator<Item = &'a [u8]>,
        file_name: &str,
        mime: &str,
    ) -> Result<DownloadReady, WorkerError> {
        let parts = Array::new();
        for part in parts_of {
            parts.push(&Uint8Array::from(part));
        }
        self.offer_parts(&parts, file_name, mime)
    }

    /// [`Downloads::offer`] for parts already collected as `Uint8Array`s.
    ///
    /// # Errors
    /// The browser could not make the `Blob` or its URL.
    pub fn offer_parts(&mut self, parts: &Array, file_name: &str, mime: &str) -> Result<DownloadReady, WorkerError> {
        let failed = |e: JsValue| {
            WorkerError::new(
                ErrorKind::Internal,
                format!("Stepwise could not prepare {file_name} for download: {}.", describe(&e)),
            )
        };
        let options = BlobPropertyBag::new();
        options.set_type(mime);
        let blob = Blob::new_with_u8_array_sequence_and_options(parts, &options).map_err(failed)?;
        let url = Url::create_object_url_with_blob(&blob).map_err(failed)?;
        self.revoke();
        self.last = Some(url.clone());
        Ok(DownloadReady { url, file_name: file_name.to_owned(), bytes: blob.size() as u64 })
    }

    /// Revokes the last download's URL, if any.
    pub fn revoke(&mut self) {
        if let Some(old) = self.last.take() {
            let _ = Url::revoke_object_url(&old);
        }
    }
}
