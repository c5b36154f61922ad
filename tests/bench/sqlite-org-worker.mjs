// The second reference of tests/bench/query.bench.mjs: sqlite.org's official wasm build (npm
// `@sqlite.org/sqlite-wasm`) in a module worker, the database in its OPFS "sahpool" VFS as
// SQLite's own docs recommend for a worker, as ours is. Served by the benchmark's server under
// `/__bench/`; messages: `{ kind: 'load', file }` → `{ ok }`, `{ kind: 'query', sql }` →
// `{ rows }` (every row, as arrays), `{ error }` on a failure.
import sqlite3InitModule from './sqlite-wasm/index.mjs';

let db;

self.onmessage = async ({ data }) => {
  try {
    if (data.kind === 'load') {
      const sqlite3 = await sqlite3InitModule();
      const pool = await sqlite3.installOpfsSAHPoolVfs({ name: 'bench-sahpool', directory: '.bench-sahpool', clearOnInit: true });
      await pool.importDb('/bench.db', new Uint8Array(await data.file.arrayBuffer()));
      db = new pool.OpfsSAHPoolDb('/bench.db');
      self.postMessage({ ok: sqlite3.version.libVersion });
    } else if (data.kind === 'query') {
      const rows = db.exec({ sql: data.sql, rowMode: 'array', returnValue: 'resultRows' });
      self.postMessage({ rows });
    }
  } catch (e) {
    self.postMessage({ error: String(e?.stack ?? e) });
  }
};
