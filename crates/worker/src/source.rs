//! Where an import's bytes come from, one chunk at a time: a `File`/`Blob` read slice by slice
//! with `Blob.arrayBuffer()`, a stream (a `fetch` response's body, or a gzip file's content
//! unpacked by the browser's `DecompressionStream`), or bytes already in memory (tests).

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{Blob, ReadableStream, ReadableStreamDefaultReader, Response, WorkerGlobalScope};

use stepwise_protocol::{ErrorKind, WorkerError};

/// Bytes per chunk read from a `File` (and per chunk of an export).
pub const CHUNK: usize = 4 << 20;

/// A stream of bytes to import.
#[allow(async_fn_in_trait)] // Used generically in one single-threaded worker: no Send bound wanted.
pub trait ByteSource {
    /// How many bytes there are in all, when known.
    fn total(&self) -> Option<u64>;
    /// The next chunk, or `None` at the end.
    ///
    /// # Errors
    /// The source failed (network gone, file unreadable).
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, WorkerError>;
    /// The progress stage while this source is read (`Copying into storage`, `Downloading`).
    fn stage(&self) -> &'static str {
        "Copying into storage"
    }
    /// The address the bytes come from, kept with the entry (`None`: a file or memory).
    fn origin(&self) -> Option<String> {
        None
    }
}

/// Bytes already in memory, served in chunks of `chunk` bytes.
pub struct BytesSource {
    bytes: Vec<u8>,
    at: usize,
    chunk: usize,
}

impl BytesSource {
    /// Serves `bytes` in chunks of `chunk` bytes (at least 1).
    pub fn new(bytes: Vec<u8>, chunk: usize) -> Self {
        BytesSource { bytes, at: 0, chunk: chunk.max(1) }
    }
}

impl ByteSource for BytesSource {
    fn total(&self) -> Option<u64> {
        Some(self.bytes.len() as u64)
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, WorkerError> {
        if self.at >= self.bytes.len() {
            return Ok(None);
        }
        let end = (self.at + self.chunk).min(self.bytes.len());
        let chunk = self.bytes[self.at..end].to_vec();
        self.at = end;
        Ok(Some(chunk))
    }
}

/// A `File` or `Blob`, read in [`CHUNK`]-sized slices with `Blob.arrayBuffer()` (in Chromium no
/// slower than `FileReaderSync`, and usually faster; see the load figure in
/// `docs/performance.md`).
pub struct BlobSource {
    blob: Blob,
    at: f64,
    size: f64,
    name: String,
    /// The next slice's read, started before the caller writes the current one: the browser
    /// reads the file while the worker writes to storage.
    ahead: Option<(f64, JsFuture)>,
}

impl BlobSource {
    /// Reads `blob`, called `name` in messages.
    ///
    /// # Errors
    /// None today (the `Result` is kept for sources that need a reader).
    pub fn new(blob: Blob, name: &str) -> Result<Self, WorkerError> {
        let size = blob.size();
        Ok(BlobSource { blob, at: 0.0, size, name: name.to_owned(), ahead: None })
    }

    /// Starts reading the slice from `from`: its end and the read, or `None` past the end.
    fn read_from(&self, from: f64) -> Result<Option<(f64, JsFuture)>, JsValue> {
        if from >= self.size {
            return Ok(None);
        }
        let end = (from + CHUNK as f64).min(self.size);
        let slice = self.blob.slice_with_f64_and_f64(from, end)?;
        Ok(Some((end, JsFuture::from(slice.array_buffer()))))
    }
}

impl ByteSource for BlobSource {
    fn total(&self) -> Option<u64> {
        Some(self.size as u64)
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, WorkerError> {
        let name = self.name.clone();
        let unreadable = move |e: JsValue| {
            WorkerError::new(
                ErrorKind::Internal,
                format!(
                    "Stepwise could not read {name} (was it moved or changed while it was being loaded?): {}.",
                    describe(&e)
                ),
            )
        };
        let current = match self.ahead.take() {
            Some(started) => Some(started),
            None => self.read_from(self.at).map_err(&unreadable)?,
        };
        let Some((end, read)) = current else {
            return Ok(None);
        };
        let buffer = read.await.map_err(&unreadable)?;
        self.at = end;
        self.ahead = self.read_from(end).map_err(&unreadable)?;
        Ok(Some(Uint8Array::new(&buffer).to_vec()))
    }
}

/// A stream of bytes read chunk by chunk: a `fetch` response's body, or a gzip file (a
/// download or a `File`) unpacked on the way by the browser's `DecompressionStream`, which
/// costs the worker no inflate code of its own.
pub struct StreamSource {
    reader: ReadableStreamDefaultReader,
    total: Option<u64>,
    /// The file's name as it came (`sql-joins.db.gz`), for messages.
    name: String,
    url: Option<String>,
    gzip: bool,
    /// A chunk already read (to look at the first bytes), served before the reader's next.
    first: Option<Vec<u8>>,
}

/// The name of what a gzip file holds (`sql-joins.db.gz` → `sql-joins.db`), or `None` when
/// `name` does not end in `.gz` (any case).
pub fn gunzipped_name(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(3)?;
    let stem = name.get(..cut)?;
    (cut > 0 && name[cut..].eq_ignore_ascii_case(".gz")).then_some(stem)
}

/// `url`'s response, if it is a 200; `name` is the file name in the URL, for messages.
async fn get(url: &str, name: &str) -> Result<Response, WorkerError> {
    let scope: WorkerGlobalScope = js_sys::global()
        .dyn_into()
        .map_err(|_| WorkerError::new(ErrorKind::Internal, "URL imports run in the worker only."))?;
    let response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(|e| WorkerError::download_failed(name, url, &describe(&e)))?;
    let response: Response =
        response.dyn_into().map_err(|_| WorkerError::new(ErrorKind::Internal, "fetch did not return a Response."))?;
    let status = response.status();
    if status != 200 {
        return Err(WorkerError::download_status(name, status, &response.status_text()));
    }
    Ok(response)
}

fn body_of(response: &Response, name: &str) -> Result<ReadableStream, WorkerError> {
    response.body().ok_or_else(|| WorkerError::new(ErrorKind::Network, format!("The server sent no content for {name}.")))
}

impl StreamSource {
    /// Fetches `url` from the worker; `name` is the file name in the URL, for messages. A name
    /// ending in `.gz` is unpacked. A server may send such a file with `Content-Encoding: gzip`
    /// as well, meaning either that the browser unpacks it on the way (Apache's `AddEncoding`)
    /// or that it compressed the compressed file once more: the first bytes tell.
    ///
    /// # Errors
    /// [`ErrorKind::Network`] with a sentence: the network or CORS (the browser does not tell
    /// them apart), or an HTTP status other than 200.
    pub async fn fetch(url: &str, name: &str) -> Result<Self, WorkerError> {
        let response = get(url, name).await?;
        let encoded = response.headers().get("content-encoding").ok().flatten().is_some_and(|e| e.trim() != "identity");
        let gzip = gunzipped_name(name).is_some();
        let total = response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok())
            // A compressed transfer's length is not the body's length, nor is an unpacked file's.
            .filter(|_| !encoded && !gzip);
        let body = body_of(&response, name)?;
        // A `.gz` as it was stored: unpacked here.
        let unpack = gzip && !encoded;
        let mut source = StreamSource {
            reader: reader_of(&if unpack { gunzip(&body)? } else { body })?,
            total,
            name: name.to_owned(),
            url: Some(url.to_owned()),
            gzip: unpack,
            first: None,
        };
        if !gzip || unpack {
            return Ok(source);
        }
        // The reader above has taken the body: peek at it, and fetch again to unpack.
        let first = source.next_chunk().await?;
        if !first.as_deref().is_some_and(|b| b.starts_with(&[0x1f, 0x8b])) {
            source.first = first;
            return Ok(source);
        }
        let _ = source.reader.cancel();
        let again = get(url, name).await?;
        source.reader = reader_of(&gunzip(&body_of(&again, name)?)?)?;
        source.gzip = true;
        Ok(source)
    }

    /// Reads the address `url`, called `name`: the body the page has downloaded already when
    /// it posted one beside the request (an address asked for before this worker had started),
    /// else a download of its own.
    ///
    /// # Errors
    /// As [`Self::fetch`]; a posted body as [`Self::gunzip_blob`].
    pub async fn from_url(url: &str, name: &str, downloaded: Option<&Blob>) -> Result<Self, WorkerError> {
        let Some(blob) = downloaded else {
            return Self::fetch(url, name).await;
        };
        // A `.gz` the browser has not unpacked already (a host that sent it with
        // `Content-Encoding` has had the browser do it): its first bytes tell.
        let gzip = gunzipped_name(name).is_some() && starts_with_gzip(blob, name).await?;
        let stream = blob.stream();
        let reader = reader_of(&if gzip { gunzip(&stream)? } else { stream })?;
        let total = (!gzip).then_some(blob.size() as u64);
        Ok(StreamSource { reader, total, name: name.to_owned(), url: Some(url.to_owned()), gzip, first: None })
    }

    /// Reads a gzip `File` or `Blob`, called `name` in messages, unpacked.
    ///
    /// # Errors
    /// The browser has no `DecompressionStream`.
    pub fn gunzip_blob(blob: &Blob, name: &str) -> Result<Self, WorkerError> {
        let stream = gunzip(&blob.stream())?;
        let reader = reader_of(&stream)?;
        Ok(StreamSource { reader, total: None, name: name.to_owned(), url: None, gzip: true, first: None })
    }
}

/// Whether `blob` starts as a gzip file does (`1f 8b`).
async fn starts_with_gzip(blob: &Blob, name: &str) -> Result<bool, WorkerError> {
    let unreadable = |e: JsValue| {
        WorkerError::new(ErrorKind::Internal, format!("Stepwise could not read {name}: {}.", describe(&e)))
    };
    let head = blob.slice_with_f64_and_f64(0.0, 2.0).map_err(unreadable)?;
    let buffer = JsFuture::from(head.array_buffer()).await.map_err(unreadable)?;
    Ok(Uint8Array::new(&buffer).to_vec() == [0x1f, 0x8b])
}

#[wasm_bindgen]
extern "C" {
    /// The browser's `DecompressionStream` (every current browser has it; web-sys binds it only
    /// behind its unstable-API flag).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    /// A `ReadableStream`, seen as what `pipeThrough` is called on.
    #[wasm_bindgen(js_name = ReadableStream)]
    type Pipeable;
    /// `ReadableStream.pipeThrough`, with a transform (a `DecompressionStream` is one).
    #[wasm_bindgen(method, catch, js_name = pipeThrough)]
    fn pipe_through(this: &Pipeable, transform: &DecompressionStream) -> Result<ReadableStream, JsValue>;
}

/// `stream` unpacked as gzip, by the browser.
fn gunzip(stream: &ReadableStream) -> Result<ReadableStream, WorkerError> {
    let inflate = DecompressionStream::new("gzip").map_err(|e| {
        WorkerError::new(
            ErrorKind::Internal,
            format!("This browser cannot unpack gzip files ({}); unpack it first.", describe(&e)),
        )
    })?;
    stream
        .unchecked_ref::<Pipeable>()
        .pipe_through(&inflate)
        .map_err(|e| WorkerError::new(ErrorKind::Internal, format!("The file could not be unpacked: {}.", describe(&e))))
}

fn reader_of(stream: &ReadableStream) -> Result<ReadableStreamDefaultReader, WorkerError> {
    stream.get_reader().dyn_into().map_err(|_| WorkerError::new(ErrorKind::Internal, "The stream has no reader."))
}

impl ByteSource for StreamSource {
    fn total(&self) -> Option<u64> {
        self.total
    }

    fn origin(&self) -> Option<String> {
        self.url.clone()
    }

    fn stage(&self) -> &'static str {
        if self.url.is_some() { "Downloading" } else { "Copying into storage" }
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, WorkerError> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        let result = JsFuture::from(self.reader.read()).await.map_err(|e| {
            let (name, detail) = (&self.name, describe(&e));
            let message = match (&self.url, self.gzip) {
                (Some(_), false) => {
                    format!("The download of {name} stopped before the end (the network may be down): {detail}.")
                }
                (Some(_), true) => format!(
                    "The download of {name} stopped before the end, or it is not a whole gzip file: {detail}."
                ),
                (None, _) => format!("{name} is not a whole gzip file: {detail}."),
            };
            let kind = if self.url.is_some() { ErrorKind::Network } else { ErrorKind::Damaged };
            WorkerError::new(kind, message)
        })?;
        let done = Reflect::get(&result, &"done".into()).map(|d| d.is_truthy()).unwrap_or(true);
        if done {
            return Ok(None);
        }
        let value = Reflect::get(&result, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        let bytes = value
            .dyn_into::<Uint8Array>()
            .map_err(|_| WorkerError::new(ErrorKind::Internal, "The stream sent something other than bytes."))?;
        Ok(Some(bytes.to_vec()))
    }
}

/// `name: message` of a JS exception, or its string form.
pub fn describe(e: &JsValue) -> String {
    let get = |k: &str| Reflect::get(e, &k.into()).ok().and_then(|v| v.as_string());
    match (get("name"), get("message")) {
        (Some(n), Some(m)) if !m.is_empty() => format!("{n}: {m}"),
        (Some(n), _) => n,
        (None, Some(m)) => m,
        _ => e.as_string().unwrap_or_else(|| format!("{e:?}")),
    }
}

