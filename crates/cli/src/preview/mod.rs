//! `stepwise preview DIR`: serves the web app inside this binary and the workshop built from
//! `DIR` on loopback, and rebuilds it on every save. The open page learns of each build (or
//! build error) through server-sent events and reloads the workshop through the worker's
//! normal import, staying on its step.

mod build;
mod server;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

use self::build::{Builds, rebuild};
use crate::embedded::{APP_STAMP, App};
use crate::{CliResult, Failure};

/// How long the folder must be quiet before a rebuild: an editor's save is several events.
const QUIET: Duration = Duration::from_millis(150);

/// Runs the preview until interrupted. The address to open is the first line printed.
pub fn run(dir: &Path, port: u16) -> CliResult {
    if App::get("index.html").is_none() {
        return Err(Failure::new(
            3,
            "this stepwise was built without the web app inside: build the app (`trunk build --release --offline` at \
             the repository's root), then build or install the CLI again (`cargo install --path crates/cli`)",
        ));
    }
    if !dir.join("workshop.yaml").is_file() {
        return Err(Failure::new(
            3,
            format!(
                "{}: no workshop.yaml here; `stepwise new {}` makes a workshop to start from",
                dir.display(),
                dir.display()
            ),
        ));
    }
    let server = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| Failure::new(4, format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let port = server.local_addr().map_or(port, |a| a.port());
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "http://127.0.0.1:{port}/?preview");
        let _ = stdout.flush();
    }
    eprintln!("stepwise preview: serving {} (app {APP_STAMP}); Ctrl-C stops", dir.display());

    let builds = Arc::new(Builds::default());
    rebuild(dir, &builds);
    let watched = {
        let (folder, builds) = (dir.to_path_buf(), Arc::clone(&builds));
        let mut debouncer = new_debouncer(QUIET, move |events: DebounceEventResult| {
            // A built .db or an editor's swap file saved in the folder is not the author's edit.
            let relevant = match &events {
                Ok(events) => events.iter().any(|e| !ignored(&e.path)),
                Err(_) => true,
            };
            if relevant {
                rebuild(&folder, &builds);
            }
        })
        .map_err(|e| Failure::new(4, format!("cannot watch {}: {e}", dir.display())))?;
        debouncer
            .watcher()
            .watch(dir, notify::RecursiveMode::Recursive)
            .map_err(|e| Failure::new(4, format!("cannot watch {}: {e}", dir.display())))?;
        debouncer
    };
    server::serve(server, builds);
    drop(watched);
    Ok(())
}

/// Files whose change is no edit of the workshop: built databases, editors' temporary files.
fn ignored(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.ends_with(".db")
        || name.ends_with(".db-journal")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
        || path.components().any(|c| c.as_os_str() == ".git")
}
