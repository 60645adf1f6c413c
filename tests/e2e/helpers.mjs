// Shared by the end-to-end test files (node --test runs them in parallel, each serving dist/
// on a port of its own): a free port, and waiting for scripts/serve.mjs to answer.
import { createServer } from 'node:net';

/** A port nothing listens on now (the PORT of scripts/serve.sh is not used: files run in parallel). */
export function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/** Resolves once `url` answers 200; fails if the server process exits or `ms` pass. */
export async function waitForServer(url, child, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`scripts/serve.mjs exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer at ${url} within ${ms} ms`);
}
