//! What each fuzz target feeds the library and checks (docs/robustness.md § Fuzzing).
//!
//! One function per target, each taking the fuzzer's bytes. A panic is a bug, and so is a broken
//! property (`assert!` here): a refusal is fine and is returned as the `Error` the user would
//! see. The native suite replays the committed regressions through this same file
//! (`crates/artifact/tests/fuzz_regressions.rs` includes it with `#[path]`), so it may use
//! nothing but `std` and `stepwise_artifact`.
#![allow(clippy::missing_panics_doc, clippy::missing_errors_doc)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use stepwise_artifact::archive::{FileTree, Limits};
use stepwise_artifact::rusqlite::{Connection, MAIN_DB};
use stepwise_artifact::{
    Asset, Error, Opened, Opening, Result, Runtime, Workshop, artifacts, harden, markdown, open_checked, open_path,
    open_pending_deferred, play, playground_tables, project, sniff, text, verify_path, with_artifacts,
};

/// The name the worker path gives a fuzzed `.db` (the CLI path names its scratch file).
pub const DB_NAME: &str = "fuzz.db";
/// The name a fuzzed zip is read under.
pub const ZIP_NAME: &str = "fuzz.zip";
/// The clock of every migration and build here, so that a run is deterministic.
const NOW: &str = "2026-01-01T00:00:00Z";

/// Target `open`: the bytes as a `.db` file, opened the way the CLI does (`open_path`, then
/// `verify_path`) and the way the worker does (sniff, then the one open pipeline with the
/// artifacts left in the file, `open_pending_deferred`, on a writable connection: here an
/// in-memory copy instead of OPFS, then every step's artifacts read and checked as the player
/// reads them), and for a workshop what the player does with it (step states, every step's
/// Markdown, artifacts and project, the runtime's workspace image). Checks: no panic; every
/// refusal names the file; both paths agree on whether the file opens and on its digest (the
/// worker refusing an artifact where the CLI refuses the file); rendered Markdown is inert.
pub fn open(data: &[u8]) -> Result<()> {
    let scratch = Scratch::new(data);
    let file = scratch.path.display().to_string();
    let cli = open_path(&scratch.path);
    match &cli {
        Ok(Opened::Workshop(w)) => player(&w.workshop, Some(&w.runtime)),
        Ok(Opened::Playground(_)) => {}
        Err(e) => assert_names(e, &file),
    }
    if let Err(e) = verify_path(&scratch.path) {
        assert_names(&e, &file);
    }
    drop(scratch);

    let worker = worker_open(data);
    if let Err(e) = &worker {
        assert_names(e, DB_NAME);
    }
    match (&cli, &worker) {
        (Ok(Opened::Workshop(w)), Ok(Some(digest))) => assert_eq!(&w.digest, digest, "the two paths' digests differ"),
        (Ok(Opened::Playground(_)), Ok(None)) => {}
        (Err(_), Err(_)) => {}
        // Known and documented (docs/robustness.md § Fuzzing): the CLI reads a plain database
        // read-only, where SQLite verifies no CHECK constraint; the worker's read-write copy
        // does. A workshop is checked on a copy in memory (`open_checked`).
        (Ok(Opened::Playground(_)), Err(Error::Corrupt { detail, .. }))
            if detail.contains("CHECK constraint failed") => {}
        (cli, worker) => panic!("the CLI and the worker disagree: CLI {cli:?}, worker {worker:?}"),
    }
    // The worker's refusal names `fuzz.db` (the CLI's a scratch path): the one to compare.
    worker.map(drop)
}

/// The worker's import of a `.db` (`Library::import`: sniff, then `open_pending_deferred` on the
/// stored file, here in memory instead of OPFS), then every step's artifacts read from the file
/// and checked against their keys, as the player reads them (`Library::step_with_artifacts`):
/// the digest of a workshop, `None` for a playground.
fn worker_open(data: &[u8]) -> Result<Option<String>> {
    let head = &data[..data.len().min(stepwise_artifact::SNIFF_LEN)];
    sniff(DB_NAME, head, data.len() as u64)?;
    let mut conn = Connection::open_in_memory().expect("an in-memory database");
    conn.deserialize_read_exact(MAIN_DB, data, data.len(), false)
        .map_err(|e| Error::invalid(DB_NAME, format!("SQLite cannot load it: {e}")))?;
    let (conn, opened) = match open_pending_deferred(conn, DB_NAME, NOW)? {
        Opening::Playground(conn, playground) => (conn, Opened::Playground(playground)),
        Opening::Workshop(pending) => pending.check()?,
    };
    match opened {
        Opened::Playground(_) => Ok(None),
        Opened::Workshop(w) => {
            let deferred = w.deferred.as_ref().expect("the worker's open leaves the artifacts in the file");
            let steps = w
                .workshop
                .steps
                .iter()
                .zip(deferred)
                .map(|(step, stored)| with_artifacts(&conn, DB_NAME, step, stored))
                .collect::<Result<Vec<_>>>()?;
            player(&Workshop { steps, ..w.workshop.clone() }, Some(&w.runtime));
            Ok(Some(w.digest))
        }
    }
}

/// What the player does with an opened workshop; refusals are fine, panics and unsafe HTML not.
fn player(w: &Workshop, runtime: Option<&Runtime>) {
    let empty = Runtime::default();
    let rt = runtime.unwrap_or(&empty);
    let states = play::states(w, rt);
    assert_eq!(states.len(), w.steps.len());
    let _ = play::resume_index(w, rt);
    for step in &w.steps {
        check_html(&markdown::render(&step.content, &w.assets));
        let _ = artifacts::view(DB_NAME, step);
        if let Ok(Some(project)) = play::step_project(step) {
            let _ = play::build_workspace(&project);
        }
    }
    if let Ok(conn) = play::open_workspace(rt.workspace.as_deref()) {
        let _ = playground_tables(&conn, "the workspace");
    }
}

/// Target `workshop_zip`: the bytes as a zip, imported as a workshop text form the way the
/// worker's `import_zip` does (`FileTree::from_zip` with the default `Limits`, `find_root`,
/// `text::parse` for the preview, `text::build` into a hardened database). Checks: no panic;
/// whatever builds opens (`open_connection`, digest checked) and plays; its text export builds
/// again to the same digest.
pub fn workshop_zip(data: &[u8]) -> Result<()> {
    let tree = FileTree::from_zip(ZIP_NAME, data, &Limits::default())?;
    text::find_root(&tree, ZIP_NAME, "workshop.yaml")?;
    text::parse(&tree, ZIP_NAME)?;
    let mut conn = hardened_memory();
    let digest = text::build(&tree, ZIP_NAME, &mut conn)?;
    let (conn, opened) =
        open_checked(conn, ZIP_NAME, NOW).unwrap_or_else(|e| panic!("a built workshop does not open: {e}"));
    let Opened::Workshop(w) = opened else { panic!("a built workshop opens as a playground") };
    assert_eq!(w.digest, digest, "the digest build returned is not the stored one");
    player(&w.workshop, Some(&w.runtime));
    let exported = text::export(&conn, ZIP_NAME).unwrap_or_else(|e| panic!("a built workshop does not export: {e}"));
    let zip = exported.to_zip().expect("writing the export as a zip");
    let back = FileTree::from_zip(ZIP_NAME, &zip, &Limits::default()).expect("reading the exported zip");
    assert_eq!(back, exported, "the exported zip does not read back as the same files");
    let again = text::build(&back, ZIP_NAME, &mut hardened_memory())
        .unwrap_or_else(|e| panic!("the export of a built workshop does not build: {e}"));
    assert_eq!(again, digest, "the export builds to another digest");
    Ok(())
}

/// Target `project_zip`: the bytes as a zip, imported as a project the way the worker does
/// (`from_zip`, `find_root` for `project.yaml`, `project::summary` for the preview,
/// `project::rebuild` into a hardened database, then the import's checks). Checks: no panic;
/// whatever rebuilds exports, and that export rebuilds and exports again to the same files.
pub fn project_zip(data: &[u8]) -> Result<()> {
    let tree = FileTree::from_zip(ZIP_NAME, data, &Limits::default())?;
    let root = text::find_root(&tree, ZIP_NAME, project::PROJECT_YAML)?;
    project::summary(&root)?;
    let mut conn = hardened_memory();
    project::rebuild(&root, &mut conn)?;
    // The import's checks (the one open pipeline); a project may well be a workshop's tables,
    // refused or not. It takes the connection, so it runs on a second rebuild of the same tree.
    let mut imported = hardened_memory();
    project::rebuild(&root, &mut imported).unwrap_or_else(|e| panic!("a project rebuilt once but not twice: {e}"));
    if let Ok((_, Opened::Workshop(w))) = open_checked(imported, ZIP_NAME, NOW) {
        player(&w.workshop, Some(&w.runtime));
    }
    let first = project::export(&conn, "fuzz").unwrap_or_else(|e| panic!("a rebuilt project does not export: {e}"));
    let mut again = hardened_memory();
    project::rebuild(&first, &mut again)
        .unwrap_or_else(|e| panic!("the export of a rebuilt project does not rebuild: {e}"));
    let second = project::export(&again, "fuzz").unwrap_or_else(|e| panic!("the second export failed: {e}"));
    if first != second {
        let differ: Vec<&str> = first
            .iter()
            .filter(|(path, bytes)| second.get(path) != Some(bytes))
            .map(|(path, _)| path)
            .chain(second.iter().filter(|(path, _)| !first.contains(path)).map(|(path, _)| path))
            .collect();
        panic!("export → rebuild → export changed {differ:?}");
    }
    Ok(())
}

/// Target `markdown`: the bytes as UTF-8 (invalid sequences replaced) rendered as a step's
/// content with two image assets. Checks: no panic, and the HTML is inert (see [`check_html`]).
pub fn markdown(data: &[u8]) -> Result<()> {
    let text = String::from_utf8_lossy(data);
    check_html(&markdown::render(&text, &assets()));
    Ok(())
}

/// Two small images a step can show (`../../assets/images/dot.png`, `…/dot.svg`).
fn assets() -> Vec<Asset> {
    vec![
        Asset { path: "images/dot.png".into(), media_type: "image/png".into(), data: b"\x89PNG\r\n\x1a\n".to_vec() },
        Asset {
            path: "images/dot.svg".into(),
            media_type: "image/svg+xml".into(),
            data: b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        },
    ]
}

/// Elements that must never come out of `markdown::render`.
const FORBIDDEN_ELEMENTS: [&str; 18] = [
    "script", "iframe", "frame", "frameset", "object", "embed", "style", "base", "form", "button", "select",
    "textarea", "meta", "link", "svg", "math", "template", "noscript",
];

/// Asserts `html` is inert: every `<` starts a tag (text is escaped), no forbidden element, no
/// `<input>` but a disabled checkbox (task lists), no event handler, no `style` but a table
/// cell's `text-align`, and
/// every `href`/`src` is `http(s)`, `mailto` or relative — `src` may also be a `data:image/…`
/// URL (the workshop's own assets).
pub fn check_html(html: &str) {
    if let Err(problem) = html_problem(html) {
        panic!("unsafe HTML: {problem}\n{html}");
    }
}

fn html_problem(html: &str) -> std::result::Result<(), String> {
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("a '<' that starts no tag at byte {}", start - 1));
        }
        if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
            return Err(format!("element <{name}>"));
        }
        // Attributes: name, or name="value" (the serialiser always quotes with ").
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                None => return Err(format!("<{name} never closed")),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                    i += 2;
                    break;
                }
                _ => {}
            }
            if closing {
                return Err(format!("attributes on </{name}>"));
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            if attr.is_empty() {
                return Err(format!("a stray character in <{name}> at byte {i}"));
            }
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                if b.get(i + 1) != Some(&b'"') {
                    return Err(format!("unquoted value of {attr} in <{name}>"));
                }
                let v = i + 2;
                let end = html[v..].find('"').map(|n| v + n).ok_or_else(|| format!("{attr} never closed"))?;
                value = decode_entities(&html[v..end]);
                i = end + 1;
            }
            if attr.starts_with("on") || attr == "formaction" || attr == "srcdoc" {
                return Err(format!("attribute {attr} on <{name}>"));
            }
            // `style` only for a table column's alignment.
            if attr == "style" {
                let align = value.trim().trim_end_matches(';').replace(' ', "");
                let ok = matches!(name.as_str(), "th" | "td")
                    && matches!(align.as_str(), "text-align:left" | "text-align:center" | "text-align:right");
                if !ok {
                    return Err(format!("style=\"{value}\" on <{name}>"));
                }
            }
            if matches!(attr.as_str(), "href" | "src" | "xlink:href" | "action" | "background" | "poster") {
                url_problem(&name, &attr, &value)?;
            }
            attrs.push((attr, value));
        }
        // The only input is a task list's checkbox, disabled.
        if name == "input" && !closing {
            let has = |n: &str, v: &str| attrs.iter().any(|(a, x)| a == n && x == v);
            if !has("type", "checkbox") || !has("disabled", "") {
                return Err(format!("an <input> that is not a disabled checkbox: {attrs:?}"));
            }
        }
    }
    Ok(())
}

/// Character references as a browser decodes them in an attribute value (numeric ones, and the
/// named ones that matter to a URL's scheme); anything else is kept as it is.
fn decode_entities(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&n| n <= 12);
        let decoded = end.and_then(|n| {
            let body = &rest[1..n];
            let code = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = body.strip_prefix('#') {
                dec.parse().ok()
            } else {
                match body {
                    "amp" => Some('&' as u32),
                    "quot" => Some('"' as u32),
                    "lt" => Some('<' as u32),
                    "gt" => Some('>' as u32),
                    "nbsp" => Some(0xa0),
                    "Tab" => Some('\t' as u32),
                    "NewLine" => Some('\n' as u32),
                    "colon" => Some(':' as u32),
                    _ => None,
                }
            };
            code.map(|c| (char::from_u32(c).unwrap_or('\u{fffd}'), n))
        });
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &rest[n + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme a browser would see in `value`: `href`/`src` must be http(s), mailto or relative.
fn url_problem(element: &str, attr: &str, value: &str) -> std::result::Result<(), String> {
    // Browsers drop leading C0 controls and spaces and every tab and newline before parsing.
    let cleaned: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    let Some(end) = scheme_end.filter(|&n| cleaned.as_bytes()[n] == b':') else { return Ok(()) };
    let scheme = &cleaned[..end];
    // Not a scheme by the URL standard (a letter, then letters, digits, `+`, `-`, `.`): the
    // browser takes the whole value for a relative path (`ji%EF%BF%BDt:alert(1)`).
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return Ok(());
    }
    let allowed = match (element, attr) {
        ("img", "src") => scheme == "data" && cleaned.starts_with("data:image/"),
        ("a", "href") => matches!(scheme, "http" | "https" | "mailto"),
        _ => false,
    };
    if allowed { Ok(()) } else { Err(format!("<{element} {attr}=\"{value}\">")) }
}

/// Asserts that a refusal names the file it is about.
fn assert_names(e: &Error, file: &str) {
    let msg = e.to_string();
    assert!(msg.contains(file), "the refusal does not name {file}: {msg} ({e:?})");
}

fn hardened_memory() -> Connection {
    let conn = Connection::open_in_memory().expect("an in-memory database");
    harden(&conn).expect("hardening an in-memory database");
    conn
}

/// A scratch copy of the input on disk (in `/dev/shm` when there is one), removed on drop.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(data: &[u8]) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("stepwise-fuzz-{}-{n}.db", std::process::id()));
        std::fs::write(&path, data).expect("writing the scratch file");
        Scratch { path }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}
