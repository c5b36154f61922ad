//! `stepwise project …`: any SQLite database as `project.yaml` + `data/<table>.csv`, and back.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use stepwise_artifact::native::ProjectDir;
use stepwise_artifact::project;

use crate::{CliResult, Failure, confirm, out};

/// Project subcommands (a project folder holds project.yaml, data/, playground.db, history.log; docs/format.md § Project form).
#[derive(Subcommand)]
pub enum ProjectCommand {
    /// Export any SQLite database as a project: project.yaml + data/<table>.csv.
    #[command(after_help = "Example:\n  stepwise project export shop.db -o shop/        # or -o shop.zip")]
    Export {
        /// The SQLite database (any, not only workshops).
        db: PathBuf,
        /// Where to write: a new folder, or a file ending in .zip.
        #[arg(short, long)]
        output: PathBuf,
        /// Replace a folder that holds a previous export.
        #[arg(long)]
        force: bool,
    },
    /// Open a project folder: uses playground.db as it is, or rebuilds it silently when missing.
    #[command(after_help = "Example:\n  stepwise project open shop/")]
    Open {
        /// The project folder (with project.yaml).
        dir: PathBuf,
    },
    /// Rebuild playground.db from project.yaml + data/, replacing the existing one after confirmation.
    #[command(
        after_help = "Example:\n  stepwise project rebuild shop/          # asks before replacing playground.db\n  stepwise project rebuild shop/ --yes    # for scripts"
    )]
    Rebuild {
        /// The project folder (with project.yaml).
        dir: PathBuf,
        /// Replace an existing playground.db without asking.
        #[arg(short, long)]
        yes: bool,
    },
}

pub fn run(cmd: ProjectCommand) -> CliResult {
    match cmd {
        ProjectCommand::Export { db, output, force } => {
            let (_, conn) = stepwise_artifact::native::fs::open_database(&db)?;
            let name = db.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
            let files = if stepwise_artifact::native::fs::is_zip(&output) {
                let mut files = 0;
                stepwise_artifact::native::fs::write_atomically_with(&output, |file| {
                    files = project::export_zip(&conn, &name, file)?.1;
                    Ok(())
                })?;
                files
            } else {
                let tree = project::export(&conn, &name)?;
                stepwise_artifact::native::fs::write_tree(&tree, &output, force)?;
                tree.len()
            };
            out(&format!("exported {} to {} ({files} files)\n", db.display(), output.display()))
        }
        ProjectCommand::Open { dir } => {
            let p = ProjectDir::new(&dir);
            let opened = p.open()?;
            let tables = stepwise_artifact::playground_tables(&opened.conn, &p.db_path().display().to_string())?;
            let mut text = match &opened.rebuilt {
                Some(s) => format!("{}: playground.db was missing; rebuilt {}\n", dir.display(), s.counts()),
                None => format!("{}: opened playground.db as it is\n", dir.display()),
            };
            for (name, rows) in tables {
                match rows {
                    Some(n) => text.push_str(&format!("  {name}  {n} rows\n")),
                    None => text.push_str(&format!("  {name}  (view)\n")),
                }
            }
            out(&text)
        }
        ProjectCommand::Rebuild { dir, yes } => rebuild(&dir, yes),
    }
}

fn rebuild(dir: &Path, yes: bool) -> CliResult {
    let p = ProjectDir::new(dir);
    let plan = p.plan_rebuild()?;
    if p.db_path().exists() && !yes {
        let question = format!("{}: {}. Continue?", dir.display(), plan.sentence());
        if !confirm(&question) {
            return Err(Failure::new(
                1,
                format!(
                    "{}: not rebuilt ({}); pass --yes to replace playground.db without asking",
                    dir.display(),
                    plan.sentence()
                ),
            ));
        }
    }
    let done = p.rebuild()?;
    out(&format!("{}: rebuilt playground.db ({})\n", dir.display(), done.counts()))
}
