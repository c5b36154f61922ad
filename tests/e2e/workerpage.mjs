// Helpers shared by the tests that drive the worker through its message protocol on a plain
// page of the app's origin (hostile.test.mjs, faults.test.mjs): start a worker, ask it one
// request, and read the OPFS pool's files directly (after the worker is terminated) to see what
// is stored without going through the worker.
//
// The pool (sqlite-wasm-vfs's sahpool, directory `.stepwise`) keeps each stored file in a slot
// file whose first 512 bytes hold its name (NUL-padded), then 4-byte flags; the file's bytes
// start at offset 4096. An unnamed slot is free.

/** The Web Lock the worker holds while it owns the storage (crates/protocol/src/wire.rs, STORAGE_LOCK). */
export const STORAGE_LOCK = 'stepwise-storage';

/** Installs `startWorker`, `ask`, `initWorker`, `untilFault`, `opfsFiles`, `sha` in the page. */
export async function installHelpers(page) {
  await page.evaluate((LOCK) => {
    window.startWorker = () => new Promise((res, rej) => {
      const w = new Worker('/worker-loader.js');
      w.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.kind === 'started') res(w);
        if (m.kind === 'failed_to_start') rej(new Error(m.reason));
      };
      w.onerror = (e) => rej(new Error(`worker error: ${e.message}`));
    });
    let next = 1;
    // Resolves with the answer, or `{ error }` for a refusal (crates/protocol/src/wire.rs).
    window.ask = (w, body, file) => new Promise((res) => {
      const id = next++;
      w.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.kind === 'response' && m.id === id) res('error' in m ? { error: m.error } : JSON.parse(m.ok ?? 'null'));
      };
      const request = JSON.stringify({ id, body });
      w.postMessage(file ? { request, file } : { request });
    });
    // A new worker with the storage open. The previous worker's lock goes when the browser has
    // torn it down, which may finish just after the new one asks: ask again until it is.
    window.initWorker = async () => {
      // Wait until no worker holds the storage lock (a terminated one releases it when the
      // browser has torn it down), then let go of it at once.
      await navigator.locks.request(LOCK, async () => {});
      const w = await startWorker();
      let ready = await ask(w, { kind: 'init' });
      for (let tries = 0; ready.error?.kind === 'other_tab' && tries < 200; tries++) {
        ready = await ask(w, { kind: 'init' });
      }
      if (ready?.error) throw new Error(`init: ${JSON.stringify(ready)}`);
      return w;
    };
    // Sends `body` after arming fault point `point`; resolves when the worker stopped there.
    window.untilFault = (w, point, body, file) => new Promise((res, rej) => {
      w.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.kind === 'fault' && m.point === point) res(m);
        if (m.kind === 'response') rej(new Error(`answered instead of stopping at ${point}: ${e.data}`));
      };
      w.postMessage({ fault: point });
      const request = JSON.stringify({ id: 999999, body });
      w.postMessage(file ? { request, file } : { request });
    });
    window.sha = async (bytes) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
      .map((b) => b.toString(16).padStart(2, '0')).join('');
    // Every named file of the pool: name → {size, sha}. Call only with no worker running: a
    // terminated worker's access handles close shortly after, so a locked file is read again.
    // The SHA-256 of a database without the header's counters of writes (the change counter,
    // bytes 24–27, and the version-valid-for number and SQLite version, 92–99): the same
    // content after a write that changed nothing, such as a switch to WAL mode and back.
    window.dbSha = async (bytes) => {
      const b = new Uint8Array(bytes).slice();
      if (b.length >= 100) { b.fill(0, 24, 28); b.fill(0, 92, 100); }
      return sha(b);
    };
    window.opfsFiles = async () => {
      const root = await navigator.storage.getDirectory();
      const out = {};
      const walk = async (dir) => {
        for await (const [, h] of dir.entries()) {
          if (h.kind === 'directory') { await walk(h); continue; }
          let file;
          for (let tries = 0; !file; tries++) {
            try { file = await h.getFile(); } catch (e) {
              if (tries > 500) throw e;
              await new Promise((r) => setTimeout(r, 10));
            }
          }
          const buf = new Uint8Array(await file.arrayBuffer());
          if (buf.length < 4096) continue;
          const end = buf.indexOf(0);
          const name = new TextDecoder().decode(buf.slice(0, end));
          if (!name) continue;
          const data = buf.slice(4096);
          out[name.replace(/^\//, '')] = { size: data.length, sha: await sha(data), dbSha: await dbSha(data) };
        }
      };
      await walk(await root.getDirectoryHandle('.stepwise', { create: true }));
      return out;
    };
  }, STORAGE_LOCK);
}
