//! `prove`: a workshop played natively, every check failing before its solution and passing
//! after it, and every way a check can fail that proof named with its step, check and line.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{edit, tiny_copy, tiny_src};
use stepwise_artifact::native::fs::read_tree;
use stepwise_artifact::prove::{Problem, prove, prove_text, without_solution};

fn proof_of(src: &std::path::Path) -> stepwise_artifact::prove::Proof {
    prove_text(&read_tree(src).unwrap(), "tiny").unwrap()
}

/// The line of the first line of `workshop.yaml` in `src` that contains `text`.
fn line(src: &std::path::Path, text: &str) -> u64 {
    let yaml = std::fs::read_to_string(src.join("workshop.yaml")).unwrap();
    yaml.lines().position(|l| l.contains(text)).map(|i| i as u64 + 1).unwrap()
}

#[test]
fn the_fixture_proves_every_check() {
    let proof = proof_of(&tiny_src());
    assert!(proof.passed(), "{:#?}", proof.findings);
    assert_eq!((proof.steps, proof.proven, proof.on_the_learners_word), (2, 5, 2));
}

#[test]
fn an_unsatisfiable_check_fails_with_its_line() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "expect: { scalar: 2 }", "expect: { scalar: 3 }");
    let proof = proof_of(&src);
    let [f] = proof.findings.as_slice() else { panic!("{:#?}", proof.findings) };
    assert_eq!((f.step.as_str(), f.check.as_deref(), f.problem), ("first", Some("count"), Problem::SolutionFails));
    assert_eq!(f.line, Some(line(&src, "- id: count")));
    assert_eq!(f.message, "fails after its solution: expected 3, got 2");
}

#[test]
fn a_check_that_passes_before_its_solution_proves_nothing() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "query: SELECT count(*) FROM t\n", "query: SELECT count(*) FROM notes\n");
    edit(&src, "workshop.yaml", "expect: { scalar: 2 }", "expect: { scalar: 0 }");
    let proof = proof_of(&src);
    let f = &proof.findings[0];
    assert_eq!((f.check.as_deref(), f.problem), (Some("count"), Problem::ProvesNothing), "{:#?}", proof.findings);
    assert!(f.message.contains("proves nothing"), "{}", f.message);
}

#[test]
fn missing_and_broken_solutions_are_named() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "        solution: hello\n", "");
    edit(&src, "workshop.yaml", "solution: UPDATE t SET y = 'two' WHERE x = 2;", "solution: UPDATE nowhere SET y = 2;");
    let proof = proof_of(&src);
    let problems: Vec<_> = proof.findings.iter().map(|f| (f.check.clone().unwrap(), f.problem)).collect();
    assert_eq!(
        problems,
        [("rows".to_owned(), Problem::SolutionDoesNotRun), ("word".to_owned(), Problem::NoSolution)],
        "{:#?}",
        proof.findings
    );
    assert_eq!(proof.findings[0].message, "its solution does not run: no such table: nowhere");
    let parsed = stepwise_artifact::text::parse(&read_tree(&src).unwrap(), "tiny").unwrap();
    assert_eq!(without_solution(&parsed.workshop), [("first".to_owned(), "word".to_owned())]);
}

#[test]
fn a_setup_that_fails_is_the_steps_problem_and_the_built_file_proves_the_same() {
    let (_dir, src) = tiny_copy();
    edit(&src, "workshop.yaml", "setup: CREATE TABLE IF NOT EXISTS notes (text TEXT);", "setup: CREATE TABLE;");
    let proof = proof_of(&src);
    let f = &proof.findings[0];
    assert_eq!((f.check.as_deref(), f.problem), (None, Problem::Workspace));
    assert_eq!(f.line, Some(line(&src, "- slug: first")));
    assert!(f.message.starts_with("its setup does not run:"), "{}", f.message);
    // From a built .db, the same proof without lines.
    let parsed = stepwise_artifact::text::parse(&read_tree(&tiny_src()).unwrap(), "tiny").unwrap();
    let from_model = prove(&parsed.workshop, &Default::default());
    assert!(from_model.passed() && from_model.proven == 5);
}
