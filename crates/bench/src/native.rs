//! The figures measured natively: first-visit size, and the CLI's project export and rebuild
//! against `sqlite3` + `zip` on the same data in the same run.
//!
//! Each group of figures ([`GROUPS`]) runs the command under test and its reference in turns,
//! `runs` times, and reports medians. Processes are timed from spawn to exit; their peak RSS
//! comes from `wait4`. Scratch files go to the work folder and are removed after each group.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use stepwise_artifact::rusqlite::{Connection, OpenFlags};

use crate::data::{DataSet, count_label};
use crate::figure::{Figure, median};

/// Where things are.
#[derive(Debug, Clone)]
pub struct Options {
    /// The built web app (`dist/`).
    pub dist: PathBuf,
    /// The data sets (`target/bench/data/`).
    pub data: PathBuf,
    /// The `stepwise` binary under test (a release build).
    pub cli: PathBuf,
    /// A scratch folder.
    pub work: PathBuf,
    /// Runs per figure (medians are taken over them).
    pub runs: u32,
}

/// The groups of figures, by name (`scripts/bench.sh --only` selects among them).
pub const GROUPS: [&str; 6] =
    ["first_visit", "project_10k", "project_100k", "project_1m", "workshop_500", "workshop_quick"];

/// One finished process.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Wall time from spawn to exit, in milliseconds.
    pub ms: f64,
    /// Peak resident set size, in bytes.
    pub max_rss: u64,
}

/// Runs `cmd` to completion; fails unless it exits with 0.
///
/// # Errors
/// When it cannot start or exits otherwise.
pub fn run(cmd: &mut Command) -> Result<Run, String> {
    let what = format!("{cmd:?}");
    let start = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("{what}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (std never reaps it behind our back),
    // and both out-pointers are valid for the call.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(child);
    if got != pid {
        return Err(format!("{what}: wait4 failed: {}", std::io::Error::last_os_error()));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("{what}: failed (wait status {status})"));
    }
    // Linux reports ru_maxrss in KiB.
    Ok(Run { ms, max_rss: usage.ru_maxrss as u64 * 1024 })
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn io<T>(path: &Path, r: std::io::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs one group and returns its figures.
///
/// # Errors
/// An unknown group, a missing data set or tool, or a command that fails.
pub fn measure(group: &str, opts: &Options) -> Result<Vec<Figure>, String> {
    let work = opts.work.join(group);
    let _ = std::fs::remove_dir_all(&work);
    io(&work, std::fs::create_dir_all(&work))?;
    let figures = match group {
        "first_visit" => first_visit(opts),
        "project_10k" => project(opts, &work, 10_000),
        "project_100k" => project(opts, &work, 100_000),
        "project_1m" => project(opts, &work, 1_000_000),
        "workshop_500" => workshop(opts, &work, DataSet::Workshop(500)),
        "workshop_quick" => workshop(opts, &work, DataSet::Workshop(crate::data::QUICK_STEPS)),
        other => Err(format!("unknown group {other:?}; the groups are {}", GROUPS.join(", "))),
    };
    let _ = std::fs::remove_dir_all(&work);
    figures
}

/// Whether the data set a group needs is in the data folder (a quick run has only some).
pub fn available(group: &str, opts: &Options) -> bool {
    let set = match group {
        "first_visit" => return opts.dist.join("index.html").exists(),
        "project_10k" => DataSet::Rows(10_000),
        "project_100k" => DataSet::Rows(100_000),
        "project_1m" => DataSet::Rows(1_000_000),
        "workshop_500" => DataSet::Workshop(500),
        "workshop_quick" => DataSet::Workshop(crate::data::QUICK_STEPS),
        _ => return false,
    };
    opts.data.join(set.file_name()).exists()
}

/// Whether a file of `dist/` is one a first visit does not download: the rest of the worker's
/// wasm or the page's (`worker_rest_bg.wasm`, `app-…_rest_bg.wasm`), loaded on first use and
/// precached by the service worker once the app is idle.
fn loaded_on_first_use(name: &str) -> bool {
    name.ends_with("_rest_bg.wasm")
}

/// `gzip -9` size of a file; a `.gz` or `.xz` file counts as it is, and so does the packed copy
/// the build writes beside a `.wasm` (the `.xz` where there is one, else the `.gz`), which is what
/// the loaders fetch.
fn gzipped(path: &Path) -> Result<u64, String> {
    if path.extension().is_some_and(|e| e == "gz" || e == "xz") {
        return Ok(io(path, std::fs::metadata(path))?.len());
    }
    if path.extension().is_some_and(|e| e == "wasm") {
        for suffix in [".xz", ".gz"] {
            let mut packed = path.as_os_str().to_owned();
            packed.push(suffix);
            let packed = Path::new(&packed);
            if packed.exists() {
                return Ok(io(packed, std::fs::metadata(packed))?.len());
            }
        }
    }
    let out = io(path, Command::new("gzip").arg("-9c").arg(path).output())?;
    if !out.status.success() {
        return Err(format!("gzip -9c {}: failed", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// Bytes of the first visit: every `.html`, `.js`, `.wasm` and `.css` at the top of `dist/` but
/// those loaded on first use, each as a gzip host sends it (`gzipped`), summed. And of the whole app: every
/// file the service worker precaches (the list in `dist/sw.js`), the editor and the worker's rest
/// included: what an offline classroom downloads once.
fn first_visit(opts: &Options) -> Result<Vec<Figure>, String> {
    let mut files = BTreeMap::new();
    for entry in io(&opts.dist, std::fs::read_dir(&opts.dist))? {
        let path = io(&opts.dist, entry)?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if path.is_file()
            && ["html", "js", "wasm", "css"].contains(&ext)
            && !loaded_on_first_use(&name)
        {
            files.insert(name, gzipped(&path)?);
        }
    }
    let total: u64 = files.values().sum();
    for (name, size) in &files {
        eprintln!("  first visit: {name:40} {size:>9} bytes gzipped");
    }
    let dist_name = opts.dist.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let mut first = Figure::plain(
        "first_visit_gzip",
        "bytes of the first visit, compressed (the wasm as the build packs it, html, js and css by gzip -9; not what loads on first use)",
        mb(total),
        "MB",
        1,
        &format!("{dist_name}/ ({} files)", files.len()),
    )
    .target(1.0, "value");
    first.files = Some(files);

    let sw = opts.dist.join("sw.js");
    let text = io(&sw, std::fs::read_to_string(&sw))?;
    let list = text
        .split("/* STEPWISE_PRECACHE */")
        .nth(1)
        .and_then(|rest| rest.split("/* END_STEPWISE_PRECACHE */").next())
        .ok_or_else(|| format!("{}: no precache list", sw.display()))?;
    let list: serde_json::Value = serde_json::from_str(list.trim()).map_err(|e| format!("{}: {e}", sw.display()))?;
    let mut shell = BTreeMap::new();
    for file in list["files"].as_array().into_iter().flatten().filter_map(|f| f.as_str()) {
        shell.insert(file.to_owned(), gzipped(&opts.dist.join(file))?);
    }
    let mut app = Figure::plain(
        "app_gzip",
        "bytes of the whole app, compressed as above (every file the service worker keeps for offline use)",
        mb(shell.values().sum()),
        "MB",
        1,
        &format!("{dist_name}/sw.js ({} files)", shell.len()),
    )
    .target(1.2, "value");
    app.files = Some(shell);
    Ok(vec![first, app])
}

/// The tables of a database, in creation order, with their `CREATE TABLE`.
fn tables(db: &Path) -> Result<Vec<(String, String)>, String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
        .map_err(|e| e.to_string())?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).and_then(|r| r.collect()).map_err(|e| e.to_string())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Project export and rebuild of `rows-<n>.db` by the CLI, against `sqlite3 -csv` + `zip -6`
/// and `sqlite3 .import` of the same CSVs.
fn project(opts: &Options, work: &Path, n: u64) -> Result<Vec<Figure>, String> {
    let label = count_label(n);
    let set = DataSet::Rows(n);
    let db = opts.data.join(set.file_name());
    let db_size = io(&db, std::fs::metadata(&db))?.len();
    let data = format!("{} ({:.1} MB)", set.file_name(), mb(db_size));
    let tables = tables(&db)?;

    // Export: ours, then the reference, in turns.
    let zip = work.join("export.zip");
    let reference_dir = work.join("reference");
    let (mut ours, mut rss, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..opts.runs {
        eprintln!("  export {label}: run {} of {}", i + 1, opts.runs);
        let _ = std::fs::remove_file(&zip);
        let r = run(Command::new(&opts.cli)
            .args(["project", "export"])
            .arg(&db)
            .arg("-o")
            .arg(&zip)
            .stdout(Stdio::null()))?;
        ours.push(r.ms);
        rss.push(r.max_rss as f64);
        let _ = std::fs::remove_dir_all(&reference_dir);
        io(&reference_dir, std::fs::create_dir_all(&reference_dir))?;
        let mut ms = 0.0;
        let mut csvs = Vec::new();
        for (table, _) in &tables {
            let csv = format!("{table}.csv");
            let out = reference_dir.join(&csv);
            let file = io(&out, File::create(&out))?;
            ms += run(Command::new("sqlite3")
                .args(["-readonly", "-csv", "-header"])
                .arg(&db)
                .arg(format!("SELECT * FROM {}", quote_ident(table)))
                .stdout(file))?
            .ms;
            csvs.push(csv);
        }
        ms += run(Command::new("zip").args(["-6", "-q", "reference.zip"]).args(&csvs).current_dir(&reference_dir))?.ms;
        theirs.push(ms);
    }
    let mut export = Figure::plain(
        &format!("export_cli_{label}"),
        &format!("stepwise project export of the {label}-row db to a YAML/CSV zip (CLI)"),
        median(&ours),
        "ms",
        opts.runs,
        &data,
    )
    .against(median(&theirs), "sqlite3 -csv of every table + zip -6 of the files");
    let memory = Figure::plain(
        &format!("export_cli_rss_{label}"),
        &format!("peak RSS of the CLI exporting the {label}-row db"),
        mb(median(&rss) as u64),
        "MB",
        opts.runs,
        &data,
    )
    .against(mb(db_size), "size of the .db");
    if n == 1_000_000 {
        export = export.target(1.5, "ratio");
    }

    // Rebuild: the exported project (unzipped, without playground.db) back into a .db.
    let project = work.join("project");
    io(&project, std::fs::create_dir_all(&project))?;
    run(Command::new("unzip").arg("-q").arg(&zip).arg("-d").arg(&project).stdout(Stdio::null()))?;
    let _ = std::fs::remove_dir_all(&reference_dir);
    let mut script = String::new();
    for (table, sql) in &tables {
        script.push_str(sql);
        script.push_str(";\n");
        // The file name the export chose (`data/<table>.csv` for the contract's tables).
        script.push_str(&format!(".import --csv --skip 1 data/{table}.csv {}\n", quote_ident(table)));
    }
    let script_path = work.join("import.sql");
    io(&script_path, std::fs::write(&script_path, script))?;
    let reference_db = work.join("reference.db");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..opts.runs {
        eprintln!("  rebuild {label}: run {} of {}", i + 1, opts.runs);
        let _ = std::fs::remove_file(project.join("playground.db"));
        let _ = std::fs::remove_file(project.join("history.log"));
        ours.push(
            run(Command::new(&opts.cli).args(["project", "rebuild"]).arg(&project).arg("--yes").stdout(Stdio::null()))?
                .ms,
        );
        let _ = std::fs::remove_file(&reference_db);
        let script = io(&script_path, File::open(&script_path))?;
        theirs.push(
            run(Command::new("sqlite3")
                .arg("-bail")
                .arg(&reference_db)
                .stdin(script)
                .stdout(Stdio::null())
                .current_dir(&project))?
            .ms,
        );
    }
    check_same_rows(&project.join("playground.db"), &reference_db, &tables)?;
    let mut rebuild = Figure::plain(
        &format!("rebuild_cli_{label}"),
        &format!("stepwise project rebuild of that export back to a .db (CLI, {label} rows)"),
        median(&ours),
        "ms",
        opts.runs,
        &data,
    )
    .against(median(&theirs), "sqlite3 .import of the same CSVs into the same schema");
    if n == 1_000_000 {
        rebuild = rebuild.target(1.5, "ratio");
    }
    Ok(vec![export, memory, rebuild])
}

/// Both rebuilt databases hold as many rows as the source: the two sides did the same work.
fn check_same_rows(ours: &Path, reference: &Path, tables: &[(String, String)]) -> Result<(), String> {
    let count = |db: &Path, table: &str| -> Result<i64, String> {
        let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| e.to_string())?;
        conn.query_row(&format!("SELECT count(*) FROM {}", quote_ident(table)), [], |r| r.get(0))
            .map_err(|e| format!("{}: {e}", db.display()))
    };
    for (table, _) in tables {
        let (a, b) = (count(ours, table)?, count(reference, table)?);
        if a != b {
            return Err(format!("{table}: the rebuild has {a} rows, sqlite3 .import {b}"));
        }
    }
    Ok(())
}

/// Workshop export of the big workshop by the CLI, against `zip -6` of the same files.
fn workshop(opts: &Options, work: &Path, set: DataSet) -> Result<Vec<Figure>, String> {
    let db = opts.data.join(set.file_name());
    let db_size = io(&db, std::fs::metadata(&db))?.len();
    let data = format!("{} ({:.1} MB)", set.file_name(), mb(db_size));
    let name = set.file_name().trim_end_matches(".db").replace('-', "_");
    let folder = work.join("files");
    run(Command::new(&opts.cli).arg("export").arg(&db).arg("-o").arg(&folder).stdout(Stdio::null()))?;
    let zip = work.join("export.zip");
    let reference_zip = work.join("reference.zip");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..opts.runs {
        eprintln!("  {name} export: run {} of {}", i + 1, opts.runs);
        let _ = std::fs::remove_file(&zip);
        ours.push(run(Command::new(&opts.cli).arg("export").arg(&db).arg("-o").arg(&zip).stdout(Stdio::null()))?.ms);
        let _ = std::fs::remove_file(&reference_zip);
        theirs.push(
            run(Command::new("zip").args(["-6", "-q", "-r"]).arg(&reference_zip).arg(".").current_dir(&folder))?.ms,
        );
    }
    Ok(vec![
        Figure::plain(
            &format!("export_cli_{name}"),
            "stepwise export of the big workshop to its text-form zip (CLI)",
            median(&ours),
            "ms",
            opts.runs,
            &data,
        )
        .against(median(&theirs), "zip -6 of the same files"),
    ])
}
