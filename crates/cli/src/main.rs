//! `stepwise`: build, export, decompile, verify and inspect workshop `.db` files.
//!
//! The CLI parses arguments, calls `stepwise-artifact`, and prints. Exit codes (also in
//! `docs/cli.md`): 0 success; 1 `verify` found problems or a confirmation was declined;
//! 2 usage error; 3 the input is invalid, damaged or refused; 4 a file could not be read or written.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{Error, Opened};

mod author;
mod embedded;
mod preview;
mod project;

/// Build, check and convert Stepwise workshops (one SQLite file per workshop).
#[derive(Parser)]
#[command(name = "stepwise", version, about, long_about = None, after_help = "Example:\n  stepwise build samples/sql-joins -o sql-joins.db && stepwise verify sql-joins.db")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a workshop .db from its text form (a folder or a .zip).
    #[command(after_help = "Example:\n  stepwise build samples/sql-joins -o sql-joins.db")]
    Build {
        /// The text form: a folder with workshop.yaml, or a .zip of one.
        src: PathBuf,
        /// The .db to write (replaced atomically if it exists).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Bring in a Killercoda scenario (a folder or .zip with index.json) or a Google Codelab
    /// (claat Markdown): a workshop .db, and what of the source it cannot show.
    #[command(
        after_help = "Example:\n  stepwise import my-scenario/ -o my-scenario.db\n  stepwise import codelab.md -o codelab.db --text-form codelab/"
    )]
    Import {
        /// The source: a Killercoda scenario folder or .zip, or a Codelab's .md file (its images
        /// are read from beside it).
        src: PathBuf,
        /// The .db to write (replaced atomically if it exists).
        #[arg(short, long)]
        output: PathBuf,
        /// Also write the workshop's text form to this new folder, to keep in Git.
        #[arg(long)]
        text_form: Option<PathBuf>,
    },
    /// Export a workshop .db to its lossless text form (a folder or a .zip).
    #[command(after_help = "Example:\n  stepwise export sql-joins.db -o sql-joins/      # or -o sql-joins.zip")]
    Export {
        /// The workshop .db.
        db: PathBuf,
        /// Where to write: a new folder, or a file ending in .zip.
        #[arg(short, long)]
        output: PathBuf,
        /// Replace a folder that holds a previous export.
        #[arg(long)]
        force: bool,
    },
    /// Write a human-readable copy of a workshop: archives unpacked, one manifest per file.
    #[command(after_help = "Example:\n  stepwise decompile sql-joins.db -o review/")]
    Decompile {
        /// The workshop .db.
        db: PathBuf,
        /// Where to write: a new folder, or a file ending in .zip.
        #[arg(short, long)]
        output: PathBuf,
        /// Replace a folder that holds a previous decompile.
        #[arg(long)]
        force: bool,
    },
    /// Check a workshop .db and list every problem found (exit 1 if any).
    #[command(after_help = "Example:\n  stepwise verify sql-joins.db")]
    Verify {
        /// The workshop .db.
        db: PathBuf,
    },
    /// Show what a .db holds: a workshop's title, steps and digest, or a database's tables.
    #[command(after_help = "Example:\n  stepwise info sql-joins.db")]
    Info {
        /// The .db file.
        db: PathBuf,
    },
    /// Bring a workshop .db of an older format version up to date, in place.
    #[command(
        after_help = "Example:\n  stepwise migrate old-workshop.db --dry-run\n  stepwise migrate old-workshop.db"
    )]
    Migrate {
        /// The workshop .db.
        db: PathBuf,
        /// Only list the migrations that would run.
        #[arg(long)]
        dry_run: bool,
    },
    /// Any SQLite database as a project: project.yaml + data/<table>.csv, and back.
    #[command(subcommand)]
    Project(project::ProjectCommand),
    /// Make a new workshop to start from: a small, complete one that builds, tests and previews.
    #[command(
        after_help = "Example:\n  stepwise new my-workshop && stepwise preview my-workshop\n  stepwise new cluster-101 --kind k8s"
    )]
    New {
        /// The folder to create (it must not exist, or be empty).
        dir: PathBuf,
        /// What kind of workshop: SQL checks on a workspace database, or Kubernetes manifests.
        #[arg(long, value_enum, default_value = "sql")]
        kind: author::Kind,
    },
    /// Preview a workshop in the browser while you write it: serves the app, rebuilds on save.
    #[command(
        after_help = "Example:\n  stepwise preview my-workshop              # open the address it prints\n  stepwise preview my-workshop --port 8123"
    )]
    Preview {
        /// The workshop's folder (with workshop.yaml).
        dir: PathBuf,
        /// The port on 127.0.0.1 (0: any free one).
        #[arg(long, default_value_t = 8090)]
        port: u16,
    },
    /// Prove that every check can be passed: play the workshop step by step, each check failing
    /// before its solution and passing after it (exit 1 otherwise).
    #[command(after_help = "Example:\n  stepwise test my-workshop\n  stepwise test sql-joins.db --json")]
    Test {
        /// The workshop: its folder, a .zip of it, or a built .db.
        src: PathBuf,
        /// Print the findings as JSON (for CI).
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of workshop.yaml, for editors' completion and checks.
    #[command(after_help = "Example:\n  stepwise schema > workshop.schema.json")]
    Schema,
}

/// An error with the exit code it maps to.
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Io { .. } => 4,
            Error::Problems { .. } => 1,
            _ => 3,
        };
        let hint = match &e {
            Error::DigestMismatch { file, .. } | Error::Corrupt { file, .. } => {
                format!("; run `stepwise verify {file}` to see every problem")
            }
            _ => String::new(),
        };
        Failure { code, message: format!("{e}{hint}") }
    }
}

impl Failure {
    pub(crate) fn new(code: u8, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure { code: 4, message: e.to_string() }
    }
}

pub(crate) type CliResult = Result<(), Failure>;

/// Writes to stdout; a closed pipe (`stepwise info x.db | head -1`) ends quietly.
pub(crate) fn out(text: &str) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let one_line = f.message.replace(['\n', '\r'], " ");
            let _ = writeln!(std::io::stderr(), "stepwise: error: {one_line}");
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> CliResult {
    match command {
        Command::Build { src, output } => {
            let digest = stepwise_artifact::build_file(&src, &output)?;
            out(&format!("built {} ({digest})\n", output.display()))
        }
        Command::Export { db, output, force } => {
            let tree = with_workshop(&db, stepwise_artifact::text::export)?;
            stepwise_artifact::native::fs::write_tree(&tree, &output, force)?;
            out(&format!("exported {} to {} ({} files)\n", db.display(), output.display(), tree.len()))
        }
        Command::Decompile { db, output, force } => {
            let tree = with_workshop(&db, stepwise_artifact::decompile::decompile)?;
            stepwise_artifact::native::fs::write_tree(&tree, &output, force)?;
            out(&format!("decompiled {} to {} ({} files)\n", db.display(), output.display(), tree.len()))
        }
        Command::Import { src, output, text_form } => {
            let imported = stepwise_artifact::native::fs::import_file(&src, &output)?;
            if let Some(dir) = text_form {
                stepwise_artifact::native::fs::write_tree(&imported.text_form, &dir, false)?;
            }
            let mut text = format!(
                "imported {} ({}) to {} ({}): {} step(s)\n",
                src.display(),
                imported.kind.name(),
                output.display(),
                imported.digest,
                imported.steps
            );
            for line in &imported.report {
                text.push_str(&format!("  not carried: {line}\n"));
            }
            out(&text)
        }
        Command::Verify { db } => verify(&db),
        Command::Info { db } => info(&db),
        Command::Migrate { db, dry_run } => migrate(&db, dry_run),
        Command::Project(cmd) => project::run(cmd),
        Command::New { dir, kind } => author::new(&dir, kind),
        Command::Preview { dir, port } => preview::run(&dir, port),
        Command::Test { src, json } => author::test(&src, json),
        Command::Schema => author::schema(),
    }
}

/// Opens `db` read-only as a current, undamaged workshop and runs `f` on it.
fn with_workshop<T>(
    db: &Path,
    f: impl FnOnce(&Connection, &str) -> stepwise_artifact::Result<T>,
) -> Result<T, Failure> {
    let (file, conn) = stepwise_artifact::native::fs::open_workshop(db)?;
    Ok(f(&conn, &file)?)
}

fn verify(db: &Path) -> CliResult {
    let report = stepwise_artifact::verify_path(db)?;
    let mut warnings = String::new();
    for w in &report.warnings {
        warnings.push_str(&format!("  warning: {w}\n"));
    }
    if report.problems.is_empty() {
        return out(&format!("{}: ok ({})\n{warnings}", db.display(), report.digest.unwrap_or_default()));
    }
    out(&warnings)?;
    let mut text = format!("{}: {} problem(s)\n", db.display(), report.problems.len());
    for p in &report.problems {
        text.push_str(&format!("  - {p}\n"));
    }
    out(&text)?;
    Err(Failure::new(1, format!("{}: {} problem(s) found", db.display(), report.problems.len())))
}

fn human_size(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

fn info(db: &Path) -> CliResult {
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    let text = match stepwise_artifact::open_path(db)? {
        Opened::Workshop(o) => {
            let w = &o.workshop;
            let mut t = format!("{}\n", w.meta.title);
            t.push_str(&format!("  workshop   {} {}\n", w.meta.slug, w.meta.version));
            if let Some(v) = o.migrated_from {
                t.push_str(&format!("  format     version {v} (older: run `stepwise migrate`)\n"));
            } else {
                t.push_str(&format!("  format     version {}\n", stepwise_artifact::SCHEMA_VERSION));
            }
            t.push_str(&format!("  file       {} ({})\n", db.display(), human_size(size)));
            t.push_str(&format!("  digest     {}\n", o.digest));
            let checks: usize = w.steps.iter().map(|s| s.validations.len()).sum();
            let art: usize = w.steps.iter().map(|s| s.artifacts.len()).sum();
            t.push_str(&format!(
                "  steps      {} ({checks} checks, {art} artifacts, {} assets)\n",
                w.steps.len(),
                w.assets.len()
            ));
            let width = w.steps.len().to_string().len();
            for (i, s) in w.steps.iter().enumerate() {
                let mins = s.minutes.map(|m| format!(" ({m} min)")).unwrap_or_default();
                t.push_str(&format!("    {:>width$}. {}{mins}\n", i + 1, s.title));
            }
            t
        }
        Opened::Playground(p) => {
            let what = match p.application_id {
                Some(id) => format!("another program's SQLite database (application_id {id:#010x})"),
                None => "a plain SQLite database".to_owned(),
            };
            let mut t =
                format!("{}: {what} ({}), {} tables and views\n", db.display(), human_size(size), p.tables.len());
            for (name, rows) in &p.tables {
                match rows {
                    Some(n) => t.push_str(&format!("  {name}  {n} rows\n")),
                    None => t.push_str(&format!("  {name}  (view)\n")),
                }
            }
            t
        }
    };
    out(&text)
}

fn migrate(db: &Path, dry_run: bool) -> CliResult {
    let (file, mut conn) = stepwise_artifact::native::fs::open_writable(db)?;
    let version = match stepwise_artifact::inspect(&conn, &file)? {
        stepwise_artifact::Kind::Playground => {
            return Err(Failure::new(3, format!("{file}: a plain SQLite database, not a Stepwise workshop")));
        }
        stepwise_artifact::Kind::Workshop => stepwise_artifact::SCHEMA_VERSION,
        stepwise_artifact::Kind::OlderWorkshop(v) => v,
    };
    let pending = stepwise_artifact::migrate::pending(version);
    if pending.is_empty() {
        return out(&format!("{file}: already at format version {version}\n"));
    }
    if dry_run {
        let mut t = format!("{file}: format version {version}; would run:\n");
        for m in pending {
            t.push_str(&format!("  {} -> {}: {}\n", m.from, m.from + 1, m.name));
        }
        return out(&t);
    }
    let ran = stepwise_artifact::migrate::migrate(&mut conn, &file, &stepwise_artifact::native::fs::now_rfc3339())?;
    let mut t = format!("{file}: migrated from version {version} to {}\n", stepwise_artifact::SCHEMA_VERSION);
    for name in ran {
        t.push_str(&format!("  {name}\n"));
    }
    out(&t)
}

/// Asks a yes/no question on the terminal; `false` when stdin is not a terminal.
pub(crate) fn confirm(question: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    let _ = write!(std::io::stderr(), "{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}
