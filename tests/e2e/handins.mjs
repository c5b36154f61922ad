// Hand-ins of a workshop made from its built `.db`, for the class view's tests and benchmark:
// the runtime tables filled as the player fills them (progress, a check result with hints and a
// solution, the learner's name), with Python's sqlite3.
import { execFileSync } from 'node:child_process';

/**
 * Writes `count` hand-ins of `sample` into `dir` as `learner-NN.db`: learner i has finished
 * i % (steps + 1) steps (verified when i is even), started the next, opened i % 4 hints on the
 * first check and shown its solution when i % 5 == 0. Learner 7 edits a check's prompt after
 * building (the definition no longer matches its digest). Learner 3 gives no name.
 */
export function makeHandIns(sample, dir, count) {
  execFileSync('python3', ['-c', `
import shutil, sqlite3, sys
sample, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    path = f"{out}/learner-{i:02d}.db"
    shutil.copy(sample, path)
    db = sqlite3.connect(path)
    steps = [r[0] for r in db.execute("SELECT slug FROM step ORDER BY position")]
    first_check = db.execute("SELECT id FROM validation WHERE step = ? ORDER BY position", (steps[0],)).fetchone()[0]
    done = i % (len(steps) + 1)
    for n, slug in enumerate(steps[:done + 1]):
        finished = n < done
        db.execute("INSERT INTO progress VALUES (?, ?, ?, ?, ?)", (
            slug, "done" if finished else "started", int(finished and i % 2 == 0),
            f"2026-12-01T09:{n * 5:02d}:00Z", f"2026-12-01T09:{n * 5 + 4:02d}:00Z" if finished else None))
    db.execute("INSERT INTO check_result VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        steps[0], first_check, int(done > 0), f"SELECT name FROM customers -- learner {i}", "",
        "2026-12-01T09:03:00Z", 1, i % 4, int(i % 5 == 0)))
    if i != 3:
        db.execute("INSERT INTO learner VALUES (1, ?, ?)", (f"Learner {i:02d}", "2026-12-01T10:00:00Z"))
    if i == 7:
        db.execute("UPDATE validation SET prompt = prompt || ' (anything goes)' WHERE step = ? AND id = ?", (steps[0], first_check))
    db.commit()
    db.close()
`, sample, dir, String(count)]);
}
