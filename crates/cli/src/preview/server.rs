//! The preview's HTTP server: the app's files, the last good build at `preview/workshop.db`,
//! and its events at `preview/events` (server-sent events), on loopback only.

use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use tiny_http::{Header, Request, Response, Server, StatusCode};

use super::build::{Builds, Event};
use crate::embedded::App;

/// A comment line keeps an idle event stream open through proxies and tells a dead one.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Answers requests until the process ends, each on its own thread.
pub fn serve(server: Server, builds: Arc<Builds>) {
    for request in server.incoming_requests() {
        let builds = Arc::clone(&builds);
        std::thread::spawn(move || answer(request, &builds));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn answer(request: Request, builds: &Builds) {
    let path = request.url().split(['?', '#']).next().unwrap_or("/").to_owned();
    let response = match path.as_str() {
        "/preview/events" => return events(request, builds),
        "/preview/workshop.db" => match builds.state.lock().ok().and_then(|s| s.good.as_ref().map(|g| g.0.clone())) {
            Some(bytes) => Response::from_data(bytes)
                .with_header(header("Content-Type", "application/vnd.sqlite3"))
                .with_header(header("Cache-Control", "no-store")),
            None => Response::from_string("the workshop has not built yet").with_status_code(StatusCode(503)),
        },
        // The previewed workshop is the only one: no samples to offer.
        "/samples/index.json" => Response::from_string("{\"workshops\": []}\n")
            .with_header(header("Content-Type", "application/json"))
            .with_header(header("Cache-Control", "no-store")),
        _ => {
            let file = if path == "/" { "index.html" } else { path.trim_start_matches('/') };
            match App::get(file) {
                Some(content) => {
                    let mime = content.metadata.mimetype().to_owned();
                    let mime = if file.ends_with(".wasm") { "application/wasm".to_owned() } else { mime };
                    Response::from_data(content.data.into_owned())
                        .with_header(header("Content-Type", &mime))
                        .with_header(header("Cache-Control", "no-cache"))
                }
                None => Response::from_string("not found").with_status_code(StatusCode(404)),
            }
        }
    };
    let _ = request.respond(response);
}

fn write_event(out: &mut dyn Write, event: &Event) -> std::io::Result<()> {
    write!(out, "event: {}\ndata: {}\n\n", event.name, event.data)?;
    out.flush()
}

/// A server-sent event stream: the current state at once, then every build until the page goes.
fn events(request: Request, builds: &Builds) {
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
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\n";
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
