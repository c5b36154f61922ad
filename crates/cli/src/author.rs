//! The author's commands: `new` (a workshop to start from), `test` (prove every check) and
//! `schema` (the JSON Schema editors complete `workshop.yaml` with).

use std::path::Path;

use stepwise_artifact::Opened;
use stepwise_artifact::prove::{Proof, prove, prove_text};

use crate::embedded::Templates;
use crate::{CliResult, Failure, out};

/// The kinds of workshop `stepwise new` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// SQL checks on a workspace database built from the step's data.
    Sql,
    /// Kubernetes manifests and files, with checks the learner runs on their cluster.
    K8s,
}

impl Kind {
    fn folder(self) -> &'static str {
        match self {
            Kind::Sql => "sql",
            Kind::K8s => "k8s",
        }
    }
}

/// `dir`'s last name as a slug (`My Workshop` → `my-workshop`), and as a title.
fn names(dir: &Path) -> (String, String) {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "workshop".into());
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(64).collect();
    let slug = if slug.is_empty() { "workshop".to_owned() } else { slug };
    let title = slug.split('-').filter(|w| !w.is_empty()).map(capitalise).collect::<Vec<_>>().join(" ");
    (slug, title)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `stepwise new DIR --kind K`: writes the template into a new (or empty) folder.
pub fn new(dir: &Path, kind: Kind) -> CliResult {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(Failure::new(
            3,
            format!("{}: the folder is not empty; choose a new folder for the workshop", dir.display()),
        ));
    }
    let (slug, title) = names(dir);
    let prefix = format!("{}/", kind.folder());
    let mut written = 0;
    for path in Templates::iter().filter(|p| p.starts_with(&prefix)) {
        let file = Templates::get(&path).ok_or_else(|| Failure::new(4, format!("template {path} is missing")))?;
        let rel = &path[prefix.len()..];
        let to = dir.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let data = if rel == "workshop.yaml" {
            String::from_utf8_lossy(&file.data).replace("{{slug}}", &slug).replace("{{title}}", &title).into_bytes()
        } else {
            file.data.into_owned()
        };
        std::fs::write(&to, data)?;
        written += 1;
    }
    std::fs::write(dir.join("workshop.schema.json"), stepwise_artifact::text::json_schema())?;
    std::fs::write(dir.join(".gitignore"), "# The built workshop is derived from these files.\n*.db\n")?;
    out(&format!(
        "created {} ({} files, a {} workshop)\nnext:\n  stepwise preview {0}    # see it in the browser, reloading on save\n  \
         stepwise test {0}       # prove that every check can be passed\n  stepwise build {0} -o {slug}.db\n",
        dir.display(),
        written + 2,
        kind.folder(),
    ))
}

/// `stepwise test SRC [--json]`: proves every check of a text form (with lines) or a `.db`.
pub fn test(src: &Path, json: bool) -> CliResult {
    let is_db = src.is_file() && !stepwise_artifact::native::fs::is_zip(src);
    let (proof, file) = if is_db {
        match stepwise_artifact::open_path(src)? {
            Opened::Workshop(w) => (prove(&w.workshop, &Default::default()), src.display().to_string()),
            Opened::Playground(_) => {
                return Err(Failure::new(3, format!("{}: a plain SQLite database, not a workshop", src.display())));
            }
        }
    } else {
        let tree = stepwise_artifact::native::fs::read_tree(src)?;
        let proof = prove_text(&tree, &src.display().to_string())?;
        (proof, src.join("workshop.yaml").display().to_string())
    };
    if json {
        let text = serde_json::to_string_pretty(&proof).map_err(|e| Failure::new(4, e.to_string()))?;
        out(&format!("{text}\n"))?;
    } else {
        out(&report(&proof, &file))?;
    }
    if proof.passed() {
        Ok(())
    } else {
        Err(Failure::new(1, format!("{}: {} check(s) not proven", src.display(), proof.findings.len())))
    }
}

/// The findings as lines an editor can jump to (`file:line: …`), then a summary.
fn report(proof: &Proof, file: &str) -> String {
    let mut text = String::new();
    for f in &proof.findings {
        let place = match f.line {
            Some(line) => format!("{file}:{line}"),
            None => file.to_owned(),
        };
        let what = match &f.check {
            Some(check) => format!("step {:?}, check {check:?}", f.step),
            None => format!("step {:?}", f.step),
        };
        text.push_str(&format!("{place}: {what} {}\n", f.message));
    }
    text.push_str(&format!(
        "{} step(s): {} check(s) proven, {} on the learner's word, {} problem(s)\n",
        proof.steps,
        proof.proven,
        proof.on_the_learners_word,
        proof.findings.len()
    ));
    text
}

/// `stepwise schema`: the JSON Schema of `workshop.yaml`.
pub fn schema() -> CliResult {
    out(&stepwise_artifact::text::json_schema())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_folder() {
        assert_eq!(
            names(Path::new("/tmp/My First Workshop")),
            ("my-first-workshop".into(), "My First Workshop".into())
        );
        assert_eq!(names(Path::new("sql_101")), ("sql-101".into(), "Sql 101".into()));
        assert_eq!(names(Path::new("///")), ("workshop".into(), "Workshop".into()));
    }
}
