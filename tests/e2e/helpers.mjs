// Shared by the end-to-end test files (node --test runs them in parallel, each serving dist/
// on a port of its own): a free port, serving the page with scripts/serve.mjs and waiting for
// it, launching Debian's Chromium, and stopping both; then (below) the page's paths, its clock
// and figure formats, opening it fresh and reading what it shows.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

// ---- what most files share once the page is served: where things are, how the page shows
// figures, opening it in a browser context of its own, and reading what it shows ----

/** The repository's root, the build it serves ($DIST, else dist/) and where screenshots go. */
export function paths(metaUrl) {
  const root = resolve(dirname(fileURLToPath(metaUrl)), '..', '..');
  return {
    ROOT: root,
    DIST: process.env.DIST ? resolve(process.env.DIST) : join(root, 'dist'),
    SHOTS: join(root, 'target', 'e2e'),
  };
}

/** The window most files test at. */
export const VIEWPORT = { width: 1280, height: 900 };
export const DAY_MS = 86_400_000;

/** Virtual time as the page shows it: `1d 02:03:04.005`, the day only when non-zero. */
export function clock(ms) {
  const days = Math.floor(ms / DAY_MS);
  const rest = ms % DAY_MS;
  const two = (n) => String(n).padStart(2, '0');
  const time = `${two(Math.floor(rest / 3_600_000))}:${two(Math.floor(rest / 60_000) % 60)}:` +
    `${two(Math.floor(rest / 1000) % 60)}.${String(rest % 1000).padStart(3, '0')}`;
  return days > 0 ? `${days}d ${time}` : time;
}
/** `text` as a regular expression's source matching it literally. */
export const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `1234567` → `1,234,567`, as the page groups figures in English. */
export const grouped = (n) => n.toLocaleString('en-US');
/** A scenario file's text in English: a plain string, or `{ en, nl, fr }`. */
export const en = (text) => (typeof text === 'string' ? text : text.en);

/** Records a page's uncaught errors and console errors in `errors` (the browser's own request
 *  for /favicon.ico, which the page does not have, aside). */
export function watch(p, errors, timeout = 20_000) {
  p.setDefaultTimeout(timeout);
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
  });
  return p;
}

/** Waits until the page at `p` is mounted: the header and the session panel are drawn, and
 *  the saved session (if any) is restored, so changes are taken (`data-session="ready"`). */
export async function mounted(p) {
  await p.locator('#registry-name').waitFor();
  await p.locator('#session').waitFor();
  await p.locator('.page[data-session="ready"]').waitFor({ state: 'attached' });
  return p;
}

/**
 * For a `describe`: serves the build and launches Chromium before its tests, closes everything
 * after. `site.open()` opens the page in a browser context of its own (an empty IndexedDB) or in
 * `context`, at `address` (the page's own by default), and waits until it is mounted; page
 * errors land in `site.errors`.
 */
export function site({ root, dist, viewport = VIEWPORT, timeout = 20_000 } = {}) {
  const s = { server: null, browser: null, url: null, errors: [], contexts: [] };
  before(async () => {
    assert.ok(existsSync(join(dist, 'index.html')), `${dist}/index.html is missing: build the page first with scripts/build.sh`);
    mkdirSync(join(root, 'target', 'e2e'), { recursive: true });
    ({ server: s.server, url: s.url } = await serve(root, dist));
    s.browser = await launch();
  });
  after(async () => {
    for (const c of s.contexts) await c.close().catch(() => {});
    await stop(s.browser, s.server);
  });
  /** A browser context of its own, closed after the tests (if not before). */
  s.newContext = async (options = {}) => {
    const c = await s.browser.newContext({ viewport, ...options });
    s.contexts.push(c);
    return c;
  };
  s.open = async ({ context, address, init, contextOptions } = {}) => {
    const c = context ?? await s.newContext(contextOptions);
    const p = watch(await c.newPage(), s.errors, timeout);
    if (init) await p.addInitScript(init);
    await p.goto(address ?? s.url);
    return mounted(p);
  };
  return s;
}

// What the page keeps in IndexedDB (ui/keep.rs: database `stowage`, store `sessions`), read from the test.
/** The record kept under `key`, or null. */
export const storedRecord = (p, key) => p.evaluate((key) => new Promise((ok, fail) => {
  const req = indexedDB.open('stowage');
  req.onerror = () => fail(req.error);
  req.onsuccess = () => {
    const get = req.result.transaction('sessions').objectStore('sessions').get(key);
    get.onsuccess = () => { req.result.close(); ok(get.result ?? null); };
    get.onerror = () => fail(get.error);
  };
}), key);
/** Every record whose key starts with `prefix`, in key order: `[{key, value}]`. */
export const storedPrefixed = (p, prefix) => p.evaluate((prefix) => new Promise((ok, fail) => {
  const req = indexedDB.open('stowage');
  req.onerror = () => fail(req.error);
  req.onsuccess = () => {
    const store = req.result.transaction('sessions').objectStore('sessions');
    const range = IDBKeyRange.bound(prefix, `${prefix}\u{10ffff}`);
    const keys = store.getAllKeys(range);
    const values = store.getAll(range);
    values.onsuccess = () => { req.result.close(); ok(keys.result.map((key, i) => ({ key, value: values.result[i] }))); };
    values.onerror = () => fail(values.error);
  };
}), prefix);

// What the page shows, read from the engine (`window.stowage.page()`) and the DOM.
export const hashOf = (p) => p.evaluate(() => window.stowage.page().eventLogHash());
export const historyOf = (p) => p.evaluate(() => {
  const h = window.stowage.page().history();
  return { nowMs: h.nowMs, presentMs: h.presentMs, inPast: h.inPast, entries: h.entries, fork: h.fork };
});
/** Virtual time as the clock bar shows it, in ms. */
export const clockOf = async (p) => Number(await p.locator('#clock-now').getAttribute('data-ms'));
/** An element's `data-bytes`, as a number (`#storage-used`, `#storage-stored`, …). */
export const bytesOf = async (p, selector) => Number(await p.locator(selector).getAttribute('data-bytes'));
/** The status line's words (the last success). */
export const statusOf = (p) => p.locator('#status .message').textContent();

/** The id of the panel each `look` of a story frame points at (ui/components/guide.rs, look_id). */
export const LOOK_IDS = {
  map: 'geo', replicas: 'replicas', clients: 'clients', oracle: 'oracle', events: 'events',
  timeline: 'faults', catalog: 'catalog', usage: 'catalog', storage: 'accounts', rates: 'rate-panel',
  'key-vault': 'key-vault', retention: 'retention', 'soft-delete': 'soft-delete', features: 'features',
  cost: 'tier-panel', scenario: 'scenario', push: 'push',
};
/** The panel ids a frame's `look` points at, each once. */
export const lookIds = (frame) => [...new Set((frame.look ?? []).map((l) => LOOK_IDS[l]))];

/** A story frame's text as the page shows it: its first sentences, and the rest behind "More"
 *  (ui/components/guide.rs, story_text), joined by the space between them. */
export const storyTextOf = (p) => p.evaluate(() => {
  const lead = document.querySelector('#story-text .story-lead').textContent;
  const more = document.querySelector('#story-text .story-more p')?.textContent;
  return more ? `${lead} ${more}` : lead;
});

/** The fraction of the element `selector` finds that is on screen: its area inside the window and
 *  inside every ancestor that clips (overflow other than visible), over its whole area; 0 if it
 *  is absent or has no area. */
export const visibleFraction = (p, selector) => p.evaluate((selector) => {
  const el = document.querySelector(selector);
  if (!el) return 0;
  const r = el.getBoundingClientRect();
  const area = r.width * r.height;
  if (area === 0) return 0;
  let [l, t, rr, b] = [Math.max(r.left, 0), Math.max(r.top, 0), Math.min(r.right, innerWidth), Math.min(r.bottom, innerHeight)];
  for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    const cs = getComputedStyle(a);
    if (cs.display === 'contents') continue;
    if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
      const c = a.getBoundingClientRect();
      [l, t, rr, b] = [Math.max(l, c.left), Math.max(t, c.top), Math.min(rr, c.right), Math.min(b, c.bottom)];
    }
  }
  return Math.max(0, rr - l) * Math.max(0, b - t) / area;
}, selector);

/** A ustar archive of `[name, Buffer]` entries (mode 0644, time 0), as `tar` writes one. */
export function tar(files) {
  const parts = [];
  for (const [name, data] of files) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A `docker save` tarball of one image, `repoTag`, whose one layer holds `files`. */
export function dockerSave(repoTag, files) {
  const layer = tar(files);
  const diffId = `sha256:${sha256hex(layer)}`;
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [diffId] },
  }));
  const configName = `${sha256hex(config)}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [repoTag], Layers: ['layer/layer.tar'] }]));
  return { bytes: tar([['manifest.json', manifest], [configName, config], ['layer/layer.tar', layer]]), diffId, layer };
}


const sha256hex = (bytes) => createHash('sha256').update(bytes).digest('hex');
