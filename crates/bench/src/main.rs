//! `stepwise-bench`: the benchmark data sets and the native figures. Run through
//! `scripts/bench.sh`; see `docs/performance.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stepwise_bench::native;

#[derive(Parser)]
#[command(name = "stepwise-bench", about = "Stepwise's benchmark data sets and native figures")]
struct BenchCli {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Subcommand)]
enum BenchCommand {
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
    /// Measure the native figures; prints one JSON line per figure on stdout.
    #[command(
        after_help = "Example:\n  stepwise-bench native --dist dist --data target/bench/data --cli target/release/stepwise"
    )]
    Native {
        /// The built web app.
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// The data sets.
        #[arg(long, default_value = "target/bench/data")]
        data: PathBuf,
        /// The `stepwise` binary to measure.
        #[arg(long, default_value = "target/release/stepwise")]
        cli: PathBuf,
        /// A scratch folder.
        #[arg(long, default_value = "target/bench/work")]
        work: PathBuf,
        /// Runs per figure (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Only these groups (default: every group whose data set exists).
        #[arg(long = "group")]
        groups: Vec<String>,
        /// List the groups and exit.
        #[arg(long)]
        list: bool,
    },
}

fn main() -> ExitCode {
    match BenchCli::parse().command {
        BenchCommand::Gen { out, quick } => match stepwise_bench::data::generate_all(&out, quick) {
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
        BenchCommand::Native { dist, data, cli, work, runs, groups, list } => {
            if list {
                for g in native::GROUPS {
                    println!("{g}");
                }
                return ExitCode::SUCCESS;
            }
            // Absolute paths: the reference commands run in scratch folders.
            let _ = std::fs::create_dir_all(&work);
            let abs = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
            let opts =
                native::Options { dist: abs(dist), data: abs(data), cli: abs(cli), work: abs(work), runs: runs.max(1) };
            let chosen: Vec<String> = if groups.is_empty() {
                native::GROUPS.iter().filter(|g| native::available(g, &opts)).map(|g| (*g).to_owned()).collect()
            } else {
                groups
            };
            let mut failed = false;
            for group in chosen {
                eprintln!("== native: {group}");
                match native::measure(&group, &opts) {
                    Ok(figures) => {
                        for f in figures {
                            println!("{}", f.to_line());
                        }
                    }
                    Err(e) => {
                        eprintln!("stepwise-bench: {group}: {e}");
                        failed = true;
                    }
                }
            }
            if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
    }
}
