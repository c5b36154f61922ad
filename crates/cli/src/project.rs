//! `stepwise project …`: any SQLite database as `project.yaml` + `data/<table>.csv`, and back.

use clap::Subcommand;

use crate::CliResult;

/// Project subcommands.
#[derive(Subcommand)]
pub enum ProjectCommand {}

pub fn run(cmd: ProjectCommand) -> CliResult {
    match cmd {}
}
