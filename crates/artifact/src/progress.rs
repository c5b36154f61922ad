//! Carries a learner's runtime state over to another version of the same workshop.

use std::collections::HashSet;

use crate::model::{Runtime, StepStatus, Workshop};

/// What [`carry_over`] kept and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Carried {
    /// Steps whose progress carried over.
    pub kept: u32,
    /// Steps whose progress was dropped because the new version no longer has them.
    pub dropped: u32,
}

/// The part of `old` that still applies to `new`: progress of steps that still exist (matched
/// by slug), results of checks that still exist (matched by step and id), the current step if
/// it still exists, and the snapshot history and workspace as they are.
pub fn carry_over(old: &Runtime, new: &Workshop) -> (Runtime, Carried) {
    let steps: HashSet<&str> = new.steps.iter().map(|s| s.slug.as_str()).collect();
    let checks: HashSet<(&str, &str)> =
        new.steps.iter().flat_map(|s| s.validations.iter().map(move |v| (s.slug.as_str(), v.id.as_str()))).collect();
    let mut carried = Carried::default();
    let progress = old
        .progress
        .iter()
        .filter(|p| {
            let keep = steps.contains(p.step.as_str());
            if keep {
                carried.kept += 1
            } else {
                carried.dropped += 1
            }
            keep
        })
        .cloned()
        .collect();
    let runtime = Runtime {
        current_step: old.current_step.clone().filter(|s| steps.contains(s.as_str())),
        updated_at: old.updated_at.clone(),
        progress,
        checks: old
            .checks
            .iter()
            .filter(|c| checks.contains(&(c.step.as_str(), c.validation.as_str())))
            .cloned()
            .collect(),
        snapshots: old.snapshots.clone(),
        workspace: old.workspace.clone(),
        learner: old.learner.clone(),
        setups: old.setups.iter().filter(|s| steps.contains(s.step.as_str())).cloned().collect(),
    };
    (runtime, carried)
}

impl Runtime {
    /// How many steps the learner has finished.
    pub fn done_steps(&self) -> usize {
        self.progress.iter().filter(|p| p.status == StepStatus::Done).count()
    }

    /// Whether the learner finished `step`.
    pub fn is_done(&self, step: &str) -> bool {
        self.progress.iter().any(|p| p.step == step && p.status == StepStatus::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn step(slug: &str, checks: &[&str]) -> Step {
        Step {
            setup: None,
            slug: slug.into(),
            title: slug.into(),
            minutes: None,
            unlock: None,
            content: String::new(),
            validations: checks
                .iter()
                .map(|id| Validation {
                    id: (*id).into(),
                    prompt: String::new(),
                    hints: Vec::new(),
                    solution: None,
                    feedback: None,
                    rule: Rule::Manual {},
                })
                .collect(),
            artifacts: vec![],
        }
    }

    #[test]
    fn keeps_what_still_exists_and_counts_what_is_dropped() {
        let done = |s: &str| Progress {
            step: s.into(),
            status: StepStatus::Done,
            verified: true,
            started_at: "t0".into(),
            completed_at: Some("t1".into()),
        };
        let result = |s: &str, v: &str| CheckResult {
            failures: 0,
            hints_opened: 0,
            solution_shown: false,
            step: s.into(),
            validation: v.into(),
            passed: true,
            input: None,
            message: String::new(),
            checked_at: "t1".into(),
        };
        let old = Runtime {
            learner: None,
            setups: Vec::new(),
            current_step: Some("gone".into()),
            updated_at: "t2".into(),
            progress: vec![done("a"), done("gone")],
            checks: vec![result("a", "x"), result("a", "removed"), result("gone", "x")],
            snapshots: vec![],
            workspace: Some(vec![1, 2, 3]),
        };
        let new = Workshop {
            meta: WorkshopMeta {
                solution_after: 3,
                slug: "w".into(),
                title: "W".into(),
                version: "2".into(),
                summary: String::new(),
                authors: vec![],
                language: "en".into(),
                license: None,
                unlock: Unlock::Free,
            },
            steps: vec![step("a", &["x"]), step("b", &[])],
            assets: vec![],
        };
        let (rt, carried) = carry_over(&old, &new);
        assert_eq!(carried, Carried { kept: 1, dropped: 1 });
        assert_eq!(rt.current_step, None);
        assert_eq!(rt.checks, vec![result("a", "x")]);
        assert_eq!(rt.workspace, Some(vec![1, 2, 3]));
        assert_eq!(rt.done_steps(), 1);
        assert!(rt.is_done("a") && !rt.is_done("b"));
    }
}
