// Shared by the end-to-end test files (node --test runs them in parallel, each serving dist/
// on a port of its own): a free port, serving the page with scripts/serve.mjs and waiting for
// it, launching Debian's Chromium, and stopping both.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

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

/** Debian's Chromium (or $CHROMIUM), and the flags every file launches it with. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Serves `dist` with scripts/serve.mjs on a free port of its own; resolves once it answers. */
export async function serve(root, dist) {
  const port = await freePort();
  const server = spawn(process.execPath, [join(root, 'scripts', 'serve.mjs'), dist, String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.resume();
  server.stderr.resume();
  const url = `http://127.0.0.1:${port}/`;
  await waitForServer(url, server);
  return { server, url };
}

/** Headless Chromium, as every file drives it. */
export const launch = () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });

/** Closes the browser and stops the server (each may be missing, if `before` failed early). */
export async function stop(browser, server) {
  await browser?.close();
  if (server && server.exitCode === null) server.kill();
}
