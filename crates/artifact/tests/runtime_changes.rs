//! Writing only what changed ([`write_runtime_changes`], the player's save) leaves a file's
//! runtime tables exactly as writing the whole state ([`write_runtime`]) does, through a long
//! seeded walk of changes: progress, checks, snapshots with and without images, the workspace
//! image, setups, the learner's name, and resets.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use stepwise_artifact::native::fs::build_file;
use stepwise_artifact::rusqlite::Connection;
use stepwise_artifact::{
    CheckResult, Learner, Progress, Runtime, SetupRun, Snapshot, StepStatus, read_runtime, read_workshop,
    write_runtime, write_runtime_changes,
};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/sql-joins")
}

/// Every row of the runtime tables, images included, in key order.
fn dump(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for (table, order) in [
        ("cursor", "id"),
        ("progress", "step"),
        ("check_result", "step, validation"),
        ("snapshot", "id"),
        ("step_setup", "step"),
        ("learner", "id"),
        ("runtime_blob", "sha256"),
    ] {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expr = cols.iter().map(|c| format!("quote({c})")).collect::<Vec<_>>().join(" || '|' || ");
        let mut st = conn.prepare(&format!("SELECT {expr} FROM {table} ORDER BY {order}")).unwrap();
        let rows: Vec<String> = st.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect();
        out.push(format!("{table}: {}", rows.join("\n")));
    }
    out
}

/// A small deterministic generator (xorshift), so a failure is the same walk every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn image(&mut self) -> Vec<u8> {
        let len = [0, 1, 512, 4096][self.below(4)];
        let fill = self.below(3) as u8;
        vec![fill; len]
    }
}

#[test]
fn writing_changes_leaves_the_same_rows_as_writing_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("changes.db"), dir.path().join("whole.db"));
    build_file(&sample(), &a).unwrap();
    build_file(&sample(), &b).unwrap();
    let mut changes = Connection::open(&a).unwrap();
    let mut whole = Connection::open(&b).unwrap();
    let workshop = read_workshop(&changes, "changes.db").unwrap();
    let checks: Vec<(String, String)> =
        workshop.steps.iter().flat_map(|s| s.validations.iter().map(|v| (s.slug.clone(), v.id.clone()))).collect();
    assert!(workshop.steps.len() >= 3 && checks.len() >= 3, "the sample should have steps with checks");

    let mut saved = read_runtime(&changes, "changes.db").unwrap();
    let mut rt = saved.clone();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for round in 0..400 {
        let at = format!("2026-01-01T00:{:02}:{:02}Z", round / 60, round % 60);
        let step = workshop.steps[rng.below(workshop.steps.len())].slug.clone();
        match rng.below(11) {
            0 => rt.current_step = Some(step),
            1 => rt.workspace = if rng.below(4) == 0 { None } else { Some(rng.image()) },
            2 | 3 => {
                let (step, validation) = checks[rng.below(checks.len())].clone();
                let result = CheckResult {
                    step,
                    validation,
                    passed: rng.below(2) == 0,
                    input: (rng.below(2) == 0).then(|| format!("answer {round}")),
                    message: format!("message {}", rng.below(3)),
                    checked_at: at.clone(),
                    failures: rng.below(3) as u32,
                    hints_opened: 0,
                    solution_shown: false,
                };
                match rt.checks.iter_mut().find(|c| c.step == result.step && c.validation == result.validation) {
                    Some(c) => *c = result,
                    None => rt.checks.push(result),
                }
            }
            4 => {
                let done = rng.below(2) == 0;
                let p = Progress {
                    step: step.clone(),
                    status: if done { StepStatus::Done } else { StepStatus::Started },
                    verified: done,
                    started_at: at.clone(),
                    completed_at: done.then(|| at.clone()),
                };
                rt.progress.retain(|p| p.step != step);
                rt.progress.push(p);
            }
            5 => {
                let id = rt.snapshots.iter().map(|s| s.id).max().unwrap_or(0) + 1;
                let workspace = (rng.below(3) > 0).then(|| rng.image());
                rt.snapshots.push(Snapshot {
                    id,
                    taken_at: at.clone(),
                    label: format!("s{id}"),
                    state: "{}".into(),
                    workspace,
                });
            }
            6 if !rt.snapshots.is_empty() => {
                // Replaced in place (same id, another image) or dropped.
                let i = rng.below(rt.snapshots.len());
                if rng.below(2) == 0 {
                    rt.snapshots[i].workspace = Some(rng.image());
                } else {
                    rt.snapshots.remove(i);
                }
            }
            7 => {
                rt.setups.retain(|s| s.step != step);
                rt.setups.push(SetupRun { step, ran_at: at.clone() });
            }
            8 => {
                rt.learner =
                    (rng.below(3) > 0).then(|| Learner { name: format!("Ada {}", rng.below(3)), named_at: at.clone() })
            }
            9 if rng.below(4) == 0 => {
                rt.progress.clear();
                rt.checks.clear();
                rt.setups.clear();
            }
            _ => rt.updated_at = at.clone(),
        }
        if rng.below(5) == 0 {
            rt.current_step = None;
        }

        let tx = changes.transaction().unwrap();
        write_runtime_changes(&tx, &mut saved, &rt).unwrap();
        tx.commit().unwrap();
        let tx = whole.transaction().unwrap();
        write_runtime(&tx, &rt).unwrap();
        tx.commit().unwrap();

        assert_eq!(saved, rt, "round {round}: `saved` is the state written");
        assert_eq!(dump(&changes), dump(&whole), "round {round}: the rows differ");
        let mut read = read_runtime(&changes, "changes.db").unwrap();
        let mut want = rt.clone();
        for r in [&mut read, &mut want] {
            r.progress.sort_by(|x, y| x.step.cmp(&y.step));
            r.checks.sort_by(|x, y| (&x.step, &x.validation).cmp(&(&y.step, &y.validation)));
            r.setups.sort_by(|x, y| x.step.cmp(&y.step));
            r.snapshots.sort_by_key(|s| s.id);
        }
        if want.current_step.is_none() && want.workspace.is_none() {
            // Without a cursor row the file keeps no `updated_at`.
            read.updated_at.clone_from(&want.updated_at);
        }
        assert_eq!(read, want, "round {round}: the file reads back as the state written");
    }
}

#[test]
fn a_save_that_changes_nothing_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("same.db");
    build_file(&sample(), &a).unwrap();
    let mut conn = Connection::open(&a).unwrap();
    let mut saved = read_runtime(&conn, "same.db").unwrap();
    let rt: Runtime = saved.clone();
    let before = conn.total_changes();
    let tx = conn.transaction().unwrap();
    write_runtime_changes(&tx, &mut saved, &rt).unwrap();
    tx.commit().unwrap();
    assert_eq!(conn.total_changes(), before);
}
