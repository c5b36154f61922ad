//! `stepwise-bench`: the benchmark data sets and the native figures. Run through
//! `scripts/bench.sh`; see `docs/performance.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "stepwise-bench", about = "Stepwise's benchmark data sets and native figures")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make the data sets (skips those already made by this version of the generator).
    #[command(after_help = "Example:\n  stepwise-bench gen --out target/bench/data --quick")]
    Gen {
        /// The data folder.
        #[arg(long)]
        out: PathBuf,
        /// Only rows-10k.db and workshop-quick.db.
        #[arg(long)]
        quick: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Gen { out, quick } => match stepwise_bench::data::generate_all(&out, quick) {
            Ok(done) => {
                for g in done {
                    let what = if g.made { "made" } else { "present" };
                    eprintln!("  {what:8} {} ({:.1} MB)", g.path.display(), g.size as f64 / 1e6);
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("stepwise-bench: error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
