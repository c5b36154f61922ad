//! `stepwise-split`: splits a wasm module in two, so that a first visit downloads only the part
//! it runs.
//!
//! ```text
//! stepwise-split --rules RULES --input IN.wasm --primary OUT.wasm --secondary REST.wasm [--slots SLOTS.txt]
//! ```
//!
//! The input must carry a name section (the build keeps it for this step). The rules file names
//! the functions to move (see `rules.rs`); every function only they reach moves with them. In the
//! primary module each moved function keeps its index, with a stub for a body:
//!
//! ```text
//! if !__stepwise_split_loaded { __stepwise_split.load(slot) }   // an import: the loader's JS
//! call_indirect __stepwise_split_table[slot](args…)
//! ```
//!
//! The secondary module imports the primary's memory, tables, globals and the functions its
//! bodies call (all exported by the primary as `m<i>`, `t<i>`, `g<i>`, `f<i>`), and an active
//! element segment fills the primary's split table with the moved functions when it is
//! instantiated. The loader's `load(slot)` does that once, then sets the flag; from then on a
//! call to a moved function costs one indirect call more. Both outputs leave out the name
//! and producers sections.
//!
//! Binaryen's `wasm-split` does this job with a profile; it is not in the npm package of binaryen
//! the build uses, and a profile would need a browser run inside every build. Rules by name are
//! reviewable, and a function moved by mistake costs an early load, never a wrong result.

mod rules;
mod split;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

struct Args {
    rules: PathBuf,
    input: PathBuf,
    primary: PathBuf,
    secondary: PathBuf,
    slots: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let mut rules = None;
    let mut input = None;
    let mut primary = None;
    let mut secondary = None;
    let mut slots = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(flag) = args.next() {
        let flag = flag.to_string_lossy().into_owned();
        let value = args.next().map(PathBuf::from).with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rules" => rules = Some(value),
            "--input" => input = Some(value),
            "--primary" => primary = Some(value),
            "--secondary" => secondary = Some(value),
            "--slots" => slots = Some(value),
            other => bail!("unknown option {other}"),
        }
    }
    let usage = "usage: stepwise-split --rules RULES --input IN.wasm --primary OUT.wasm --secondary REST.wasm [--slots SLOTS.txt]";
    Ok(Args {
        rules: rules.context(usage)?,
        input: input.context(usage)?,
        primary: primary.context(usage)?,
        secondary: secondary.context(usage)?,
        slots,
    })
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let text = std::fs::read_to_string(&args.rules)
        .with_context(|| format!("cannot read the rules {}", args.rules.display()))?;
    let rules = rules::Rules::parse(&text).with_context(|| format!("in {}", args.rules.display()))?;
    let wasm = std::fs::read(&args.input).with_context(|| format!("cannot read {}", args.input.display()))?;
    let out = split::split(&wasm, &rules)?;
    std::fs::write(&args.primary, &out.primary).with_context(|| format!("cannot write {}", args.primary.display()))?;
    std::fs::write(&args.secondary, &out.secondary)
        .with_context(|| format!("cannot write {}", args.secondary.display()))?;
    if let Some(path) = &args.slots {
        let list: String = out.moved.iter().enumerate().map(|(slot, name)| format!("{slot}\t{name}\n")).collect();
        std::fs::write(path, list).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "stepwise-split: {} of {} functions ({} of {} instructions) moved to {}; {} ({} bytes) and {} ({} bytes) written",
        out.moved.len(),
        out.functions,
        out.moved_code,
        out.code,
        args.secondary.display(),
        args.primary.display(),
        out.primary.len(),
        args.secondary.display(),
        out.secondary.len(),
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("stepwise-split: {error:#}");
            ExitCode::FAILURE
        }
    }
}
