//! The preview's HTTP server: the app's files, the last good build at `preview/workshop.db`,
//! and its events at `preview/events` (server-sent events), on loopback only.
//!
//! A thread per connection and one request per connection (`Connection: close`): a browser on
//! loopback loses nothing by opening another, and no request ever waits behind another on a
//! kept-alive connection. (tiny_http, used before, left an occasional request of Chromium's
//! first page load unanswered on a reused connection.) Only `GET` and `HEAD` are served.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use super::build::{Builds, Event};
use crate::embedded::App;

/// A comment line keeps an idle event stream open through proxies and tells a dead one.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a client may take to send its request's head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request head read (a browser's GET is well under 4 KB).
const HEAD_LIMIT: usize = 16 * 1024;

/// Answers connections until the process ends, each on its own thread.
pub fn serve(listener: TcpListener, builds: Arc<Builds>) {
    for stream in listener.incoming().flatten() {
        let builds = Arc::clone(&builds);
        std::thread::spawn(move || answer(stream, &builds));
    }
}

/// A response: status line, content type, body.
struct Reply {
    status: &'static str,
    content_type: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(status: &'static str, body: &str) -> Self {
        Reply { status, content_type: "text/plain; charset=utf-8".to_owned(), body: body.as_bytes().to_vec() }
    }
}

/// The method and path of the request on `stream`, its head read and dropped.
fn request_line(stream: &TcpStream) -> Option<(String, String)> {
    stream.set_read_timeout(Some(READ_TIMEOUT)).ok()?;
    let mut reader = BufReader::new(std::io::Read::take(stream, HEAD_LIMIT as u64));
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    // The rest of the head: headers are not needed.
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = first.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?;
    let path = target.split(['?', '#']).next().unwrap_or("/").to_owned();
    Some((method, path))
}

fn answer(mut stream: TcpStream, builds: &Builds) {
    let Some((method, path)) = request_line(&stream) else { return };
    if method != "GET" && method != "HEAD" {
        let _ = write_reply(&mut stream, &Reply::text("405 Method Not Allowed", "only GET and HEAD"), false);
        return;
    }
    let reply = match path.as_str() {
        "/preview/events" => return events(stream, builds),
        "/preview/workshop.db" => match builds.state.lock().ok().and_then(|s| s.good.as_ref().map(|g| g.0.clone())) {
            Some(bytes) => Reply { status: "200 OK", content_type: "application/vnd.sqlite3".to_owned(), body: bytes },
            None => Reply::text("503 Service Unavailable", "the workshop has not built yet"),
        },
        // The previewed workshop is the only one: no samples to offer.
        "/samples/index.json" => Reply {
            status: "200 OK",
            content_type: "application/json".to_owned(),
            body: b"{\"workshops\": []}\n".to_vec(),
        },
        _ => {
            let file = if path == "/" { "index.html" } else { path.trim_start_matches('/') };
            match App::get(file) {
                Some(content) => {
                    let mime = content.metadata.mimetype().to_owned();
                    let mime = if file.ends_with(".wasm") { "application/wasm".to_owned() } else { mime };
                    Reply { status: "200 OK", content_type: mime, body: content.data.into_owned() }
                }
                None => Reply::text("404 Not Found", "not found"),
            }
        }
    };
    let _ = write_reply(&mut stream, &reply, method == "HEAD");
}

/// Writes `reply` and closes the connection. Nothing of a development server is kept in the
/// browser's cache (`no-store`): every load is the build of now.
fn write_reply(stream: &mut TcpStream, reply: &Reply, head_only: bool) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    )?;
    if !head_only {
        stream.write_all(&reply.body)?;
    }
    stream.flush()
}

fn write_event(out: &mut dyn Write, event: &Event) -> std::io::Result<()> {
    write!(out, "event: {}\ndata: {}\n\n", event.name, event.data)?;
    out.flush()
}

/// A server-sent event stream: the current state at once, then every build until the page goes.
fn events(mut out: TcpStream, builds: &Builds) {
    let (tx, rx) = channel();
    // Registered while the state is held, so no build falls between what is sent now and what
    // is told later (a page that hears one twice compares the sequence).
    let current = {
        let Ok(state) = builds.state.lock() else { return };
        if let Ok(mut listeners) = builds.listeners.lock() {
            listeners.push(tx);
        }
        state.current()
    };
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if out.write_all(head.as_bytes()).and_then(|()| out.flush()).is_err() {
        return;
    }
    for event in &current {
        if write_event(&mut out, event).is_err() {
            return;
        }
    }
    loop {
        let sent = match rx.recv_timeout(KEEP_ALIVE) {
            Ok(event) => write_event(&mut out, &event),
            Err(RecvTimeoutError::Timeout) => out.write_all(b": keep-alive\n\n").and_then(|()| out.flush()),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            return;
        }
    }
}
