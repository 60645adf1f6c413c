// End-to-end test of keeping the session (issue #5): saved in IndexedDB as it changes and
// restored on reload and after a browser restart; a damaged saved copy refused in words; export
// and import; share links (and hostile ones); a full quota, simulated and real (the browser's
// own quota made small through the DevTools protocol). The release build in dist/ is
// served by scripts/serve.mjs and driven in headless Chromium by playwright-core, as in
// page.test.mjs. Screenshots go to target/e2e/keep-*.png.
//
//   scripts/build.sh && node --test tests/e2e/

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ARGS, CHROMIUM, VIEWPORT, clock, clockOf, grouped, hashOf, literal, paths, site, storedPrefixed, storedRecord, watch } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
const REPO = 'demo/app';
const TAG = 'v1';
const FILE_NAME = 'notes.txt';
const FILE_BYTES = 3000;
/** What ui/keep.rs allows a link and the text it declares. */
const LINK_FRAGMENT_MAX = 64 * 1024;
const LINK_TEXT_MAX = 16 << 20;
/** The real quota test's quota for the page's origin, and the size of each upload that fills it. */
const QUOTA_BYTES = 512 * 1024;
const UPLOAD_BYTES = 96 * 1024;
/** The IndexedDB database, store and key the page saves under (ui/keep.rs). */
const DB = { name: 'stowage', store: 'sessions', current: 'current', kept: 'kept' };

const sha256 = (bytes) => 'sha256:' + createHash('sha256').update(bytes).digest('hex');

/** The page's size format: exact below 1 KiB, else one decimal (none from 100 up), rounded half up. */
function human(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let unit = 0;
  while (unit < units.length - 1 && bytes >= 2 ** (10 * (unit + 1))) unit++;
  const tenths = Math.floor((bytes * 10 + 2 ** (10 * unit) / 2) / 2 ** (10 * unit));
  return tenths >= 1000 ? `${Math.floor((tenths + 5) / 10)} ${units[unit]}` : `${Math.floor(tenths / 10)}.${tenths % 10} ${units[unit]}`;
}

/** 3000 bytes of readable text. */
function fileContent() {
  let text = '';
  for (let line = 1; text.length < FILE_BYTES; line++) {
    text += `Kept by Stowage: line ${String(line).padStart(3, '0')} of ${FILE_NAME}, saved in IndexedDB.\n`;
  }
  return Buffer.from(text.slice(0, FILE_BYTES), 'utf8');
}

/** A share link's data as ui/keep.rs writes it: `STW`, format, u32 LE length, raw deflate. */
function linkData(text, { format = 1, declared, body } = {}) {
  const bytes = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.write('STW', 0, 'latin1');
  header[3] = format;
  header.writeUInt32LE(declared ?? bytes.length, 4);
  return Buffer.concat([header, body ?? deflateRawSync(bytes, { level: 9 })]).toString('base64url');
}

describe('keeping the session', { timeout: 300_000 }, () => {
  const file = fileContent();
  const web = site({ root: ROOT, dist: DIST, timeout: 15_000 });
  /** A browser context of its own (an empty IndexedDB), closed after the tests if not before. */
  const newContext = () => web.newContext({ acceptDownloads: true });
  /** A page of `context` at `address` (the page's own by default), mounted; `init` runs before
   *  the page's scripts. */
  const open = (context, address, init) => web.open({ context, address, init });
  /** Records a page's errors with the others' (for a page opened by hand). */
  const watchPage = (p) => watch(p, web.errors, 15_000);
  const hash = hashOf;
  const freshHash = (p) => p.evaluate(() => new window.stowage.Registry().eventLogHash());
  const sessionText = (p) => p.evaluate(() => window.stowage.page().saveSession());
  const clockMs = clockOf;
  /** The catalog as the page shows it, every repository opened: its tags and manifest digests. */
  const catalog = async (p) => {
    const closed = p.locator('#catalog .repo-toggle[aria-expanded="false"]');
    while (await closed.count() > 0) {
      const before = await closed.count();
      await closed.first().click();
      await p.waitForFunction((n) => document.querySelectorAll('#catalog .repo-toggle[aria-expanded="false"]').length < n, before);
    }
    return p.locator('#catalog [data-repo]').evaluateAll((repos) => repos.map((r) => ({
      repo: r.getAttribute('data-repo'),
      tags: [...r.querySelectorAll('.tag[data-tag]')].map((t) => t.getAttribute('data-tag')),
      manifests: [...r.querySelectorAll('[data-digest]')].map((m) => m.getAttribute('data-digest')),
    })));
  };
  /** Pushes `bytes` as FILE_NAME into repo:tag through the file picker. */
  const push = async (p, bytes = file, repo = REPO, tag = TAG) => {
    await p.fill('#push-repo', repo);
    await p.fill('#push-tag', tag);
    await p.setInputFiles('#push-files', { name: FILE_NAME, mimeType: 'text/plain', buffer: bytes });
    await p.locator('#pending-layers li', { hasText: FILE_NAME }).waitFor();
    await p.click('#push-submit');
    await p.locator(`#catalog [data-repo="${repo}"] .tag[data-tag="${tag}"]`).waitFor();
  };
  /** Moves the clock with a button and waits for it. */
  const advance = async (p, button) => {
    const before = await clockMs(p);
    await p.click(button);
    await p.waitForFunction((b) => Number(document.querySelector('#clock-now').dataset.ms) > b, before);
  };
  /** Waits until the page says it saved the state it shows now: its hash and virtual time (a
   *  clock move that runs no job leaves the hash as it was). */
  const saved = async (p, h) => {
    const ms = await clockMs(p);
    const line = p.locator(`#session-saved[data-hash="${h ?? await hash(p)}"][data-now-ms="${ms}"]`);
    await line.waitFor();
    return {
      bytes: Number(await line.getAttribute('data-bytes')),
      upload: Number(await line.getAttribute('data-upload-bytes')),
      actions: Number(await line.getAttribute('data-actions')),
      parts: Number(await line.getAttribute('data-parts')),
    };
  };
  /** The parts the page keeps after the whole session text (`part:000001`, …), in order. */
  const parts = async (p) => (await storedPrefixed(p, 'part:')).map((r) => r.value);
  /** The record the page keeps under `key` in IndexedDB, read from the test. */
  const record = storedRecord;
  /** The sessions the page set aside (`kept:…`), oldest first: their records. */
  const kept = async (p) => (await storedPrefixed(p, 'kept:')).map((r) => r.value);
  const shot = (p, name) => p.screenshot({ path: join(SHOTS, name) });
  const shotSession = async (p, name) => {
    await p.locator('#session').scrollIntoViewIfNeeded();
    await p.locator('#session').screenshot({ path: join(SHOTS, name) });
  };
  /** The page around its error banner. */
  const shotBanner = async (p, name) => {
    await p.evaluate(() => document.querySelector('#error').scrollIntoView({ block: 'center' }));
    await shot(p, name);
  };
  /** A page that opened clean: no repositories, the clock at 0, a new registry's hash. */
  const assertClean = async (p) => {
    assert.deepEqual(await catalog(p), []);
    assert.equal(await clockMs(p), 0);
    assert.equal(await hash(p), await freshHash(p));
  };

  it('(a) what you did survives a reload and a browser restart: same hash, catalog and time', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'stowage-keep-'));
    const launch = () => chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: ARGS, viewport: VIEWPORT,
    });
    let context = await launch();
    try {
      let p = await open(context);
      assert.equal(await p.locator('#session-opened').count(), 0, 'nothing was saved before');
      assert.match(await p.locator('#session-saved').textContent(), /^Not saved in this browser yet\.$/);
      await push(p);
      await saved(p);
      await advance(p, '#advance-1m');
      await advance(p, '#advance-10m');
      const h = await hash(p);
      const ms = await clockMs(p);
      const shown = await catalog(p);
      assert.equal(shown.length, 1);
      assert.deepEqual(shown[0].tags, [TAG]);
      const text = await sessionText(p);
      const session = JSON.parse(text);
      // The push, then the two clock moves merged into one.
      assert.equal(session.entries.length, 2);
      assert.deepEqual(session.entries[1].commands, [{ do: 'runFor', ms: 11 * 60_000 }]);
      assert.equal(session.stateHash, h);
      assert.deepEqual(Object.keys(session.blobs), [sha256(file)]);

      const s = await saved(p, h);
      // Saved as it went: the whole text after the push, then a part for each clock move
      // (the second says the merged move again).
      const stored = await record(p, DB.current);
      const after = await parts(p);
      assert.equal(s.parts, after.length);
      assert.ok(after.length >= 1, `the clock moves were saved as parts: ${after.length}`);
      assert.deepEqual(after.map((r) => r.kind), after.map(() => 'stowage-session-part-record'));
      const size = [stored, ...after].reduce((n, r) => n + Buffer.byteLength(r.text, 'utf8'), 0);
      assert.equal(s.bytes, size, 'the saved size is the session text and its parts');
      assert.ok(after.every((r) => Buffer.byteLength(r.text, 'utf8') < 1000), 'a part holds what changed, not the upload again');
      assert.equal(s.upload, FILE_BYTES, 'of which the uploaded file');
      assert.equal(s.actions, 2);
      assert.match(await p.locator('#session-saved').textContent(), new RegExp(
        `^Saved in this browser at \\d\\d:\\d\\d:\\d\\d: .* \\(${grouped(s.bytes)} bytes: the session and ` +
        `${after.length} parts? saved after it\\), of which 3\\.9 KiB is ` +
        `the 3,000 bytes you uploaded, as base64; 2 actions, virtual time ${clock(ms).replace(/\./g, '\\.')}\\.$`));
      // Text and parts replay, as one, to exactly the state shown.
      const replayed = await p.evaluate(({ text, parts }) => {
        const r = window.stowage.Registry.loadSessionParts(text, parts);
        return [r.eventLogHash(), r.saveSession()];
      }, { text: stored.text, parts: after.map((r) => r.text) });
      assert.deepEqual(replayed, [h, text], 'IndexedDB holds exactly the session, as a text and its parts');
      await p.locator('#session-storage[data-quota]').waitFor();
      const persisted = await p.locator('#session-storage').getAttribute('data-persisted');
      assert.ok(['true', 'false'].includes(persisted));
      assert.ok(Number(await p.locator('#session-storage').getAttribute('data-quota')) > 0);
      console.log(`# saved session: ${s.bytes} bytes (${s.upload} uploaded), persisted=${persisted}, ` +
        `estimate ${await p.locator('#session-storage').getAttribute('data-usage')} of ` +
        `${await p.locator('#session-storage').getAttribute('data-quota')}`);
      await shotSession(p, 'keep-01-saved.png');

      // Reload.
      await p.reload();
      await p.locator('#registry-name').waitFor();
      const restored = `Restored your session: 2 actions, virtual time ${clock(ms)}.`;
      await p.locator('#session-opened.ok', { hasText: restored }).waitFor();
      assert.match(await p.locator('#session-opened').textContent(), new RegExp(`^${restored.replace(/[.()]/g, '\\$&')} Replayed in \\d+ ms\\.$`));
      assert.equal(await p.locator('#status .message').textContent(), restored);
      assert.equal(await hash(p), h);
      assert.equal(await clockMs(p), ms);
      assert.deepEqual(await catalog(p), shown);
      assert.equal(await sessionText(p), text, 'the restored session saves to the same text');
      console.log(`# restore after reload: ${await p.locator('#session-opened .restore-ms').getAttribute('data-ms')} ms`);
      await p.evaluate(() => window.scrollTo(0, 0));
      await shot(p, 'keep-02-restored.png');

      // A browser restart: the profile on disk is all that is left.
      await context.close();
      context = await launch();
      p = await open(context);
      await p.locator('#session-opened.ok', { hasText: restored }).waitFor();
      assert.equal(await hash(p), h);
      assert.equal(await clockMs(p), ms);
      assert.deepEqual(await catalog(p), shown);
      // The bytes came back too: the layer pulls and hashes to its digest.
      const layer = await p.evaluate(({ repo, d }) => Array.from(window.stowage.page().pullBlob(repo, d)), { repo: REPO, d: sha256(file) });
      assert.equal(sha256(Buffer.from(layer)), sha256(file));
      assert.equal(await p.locator('#error').count(), 0);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('(b) a damaged saved copy: the reason, a clean start, and the copy kept as a download', async () => {
    const context = await newContext();
    let p = await open(context);
    await push(p);
    await saved(p);
    await advance(p, '#advance-1m');
    const h = await hash(p);
    await saved(p, h);
    // Damage it: another state hash than the one it replays to, in the last thing saved (the
    // part the clock move was saved as).
    const before = [await record(p, DB.current), ...await parts(p)];
    assert.equal(before.length, 2, 'the push saved whole, the clock move as a part');
    const damagedKey = 'part:000001';
    await p.evaluate(({ db, key }) => new Promise((ok, fail) => {
      const req = indexedDB.open(db.name);
      req.onsuccess = () => {
        const tx = req.result.transaction(db.store, 'readwrite');
        const store = tx.objectStore(db.store);
        const get = store.get(key);
        get.onsuccess = () => {
          const rec = get.result;
          const part = JSON.parse(rec.text);
          part.stateHash = '0'.repeat(64);
          rec.text = JSON.stringify(part);
          store.put(rec, key);
          tx.oncomplete = () => ok(rec.text);
        };
        tx.onerror = () => fail(tx.error);
      };
    }), { db: DB, key: damagedKey });
    // What is kept is the session as one text, the parts merged in, with the damage as it was.
    const damaged = await p.evaluate(({ text, part }) => {
      const whole = JSON.parse(text);
      const p = JSON.parse(part);
      whole.entries.splice(p.from, whole.entries.length - p.from, ...p.entries);
      Object.assign(whole.blobs, p.blobs);
      whole.stateHash = '0'.repeat(64);
      whole.nowMs = p.nowMs;
      return JSON.stringify(whole);
    }, { text: before[0].text, part: before[1].text });
    await p.close();

    p = await open(context);
    const why = 'the saved session could not be restored: the saved session replays to a different state than the ' +
      'one saved (saved by Stowage 0.1.0, this is 0.1.0); nothing was loaded; starting clean; your saved copy is ' +
      'kept as a download';
    await p.locator('#session-opened.error').waitFor();
    assert.equal(await p.locator('#session-opened').textContent(), `T${why.slice(1)}.`);
    assert.equal(await p.locator('#error .code').textContent(), 'INVALID_ARGUMENT');
    assert.equal(await p.locator('#error .message').textContent(), `${why}.`);
    await assertClean(p);
    // The copy is kept, in IndexedDB and as a download, byte for byte.
    assert.equal((await kept(p)).length, 1);
    assert.equal((await kept(p))[0].record.text, damaged);
    assert.equal((await record(p, DB.current)).text, before[0].text, 'nothing overwrote it yet');
    assert.equal(JSON.parse((await record(p, damagedKey)).text).stateHash, '0'.repeat(64));
    // Mended (its true hash put back), the kept copy is the session it was.
    const mended = await p.evaluate(({ text, h }) =>
      window.stowage.Registry.loadSession(text.replace('0'.repeat(64), h)).eventLogHash(), { text: damaged, h });
    assert.equal(mended, h);
    assert.match(await p.locator('#session-kept > p').textContent(), /^Kept in this browser: 1 session \(.*\), each until you delete it\.$/);
    assert.match(await p.locator('#session-kept .kept-words').textContent(), /^the saved session that could not be restored: /);
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#session-kept .kept-download')]);
    assert.match(download.suggestedFilename(), /^stowage-kept-session-\d{4}-\d\d-\d\d\.json$/);
    assert.equal(readFileSync(await download.path(), 'utf8'), damaged);
    await shotBanner(p, 'keep-03-damaged.png');
    await shotSession(p, 'keep-04-damaged-panel.png');

    // Working on: the clean session is saved over it, the kept copy stays.
    await advance(p, '#advance-1m');
    await saved(p);
    assert.deepEqual((await kept(p)).map((k) => k.record.text), [damaged]);
    await context.close();
  });

  it('(c) export then import gives the same hash; a damaged file is refused and changes nothing', async () => {
    const context = await newContext();
    const p = await open(context);
    await push(p);
    await advance(p, '#advance-10m');
    const h = await hash(p);
    const ms = await clockMs(p);
    const shown = await catalog(p);
    const text = await sessionText(p);

    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#session-export')]);
    const date = new Date();
    const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    assert.equal(download.suggestedFilename(), `stowage-stowage-${day}.json`);
    const exported = readFileSync(await download.path());
    assert.equal(exported.toString('utf8'), text);
    assert.match(await p.locator('#session-export-note').textContent(), new RegExp(`^Exported stowage-stowage-${day}\\.json: `));

    // Change things, then import the file: the exported state comes back.
    await push(p, Buffer.from('another layer, another state\n'), 'other/app', 'v2');
    await advance(p, '#advance-1m');
    assert.notEqual(await hash(p), h);
    await p.setInputFiles('#session-import-file', { name: 'exported.json', mimeType: 'application/json', buffer: exported });
    await p.locator('#session-import-ask').waitFor();
    assert.equal(await p.locator('#session-import-question').textContent(),
      `exported.json is a valid session (${human(exported.length)}): registry stowage, 2 actions, ` +
      `virtual time ${clock(ms)}. Replace the registry you have with it? What you have now is discarded (export it first to keep it).`);
    await shotSession(p, 'keep-05-import-ask.png');
    assert.notEqual(await hash(p), h, 'nothing changes before the confirmation');
    await p.click('#session-import-confirm');
    const imported = `Imported exported.json, the session of registry stowage: 2 actions, virtual time ${clock(ms)}. ` +
      'The registry you had was replaced.';
    await p.locator('#status .message', { hasText: imported }).waitFor();
    assert.equal(await hash(p), h);
    assert.equal(await clockMs(p), ms);
    assert.deepEqual(await catalog(p), shown);
    await saved(p, h);

    // A damaged file: one base64 character of the uploaded bytes changed.
    const session = JSON.parse(text);
    const [digest, b64] = Object.entries(session.blobs)[0];
    session.blobs[digest] = (b64[0] === 'A' ? 'B' : 'A') + b64.slice(1);
    const rotten = sha256(Buffer.from(session.blobs[digest], 'base64'));
    const damaged = Buffer.from(JSON.stringify(session));
    // Dropped on the drop zone.
    const transfer = await p.evaluateHandle(({ bytes }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'damaged.json', { type: 'application/json' }));
      return dt;
    }, { bytes: [...damaged] });
    await p.dispatchEvent('#session-drop', 'drop', { dataTransfer: transfer });
    await p.locator('#session-import-error').waitFor();
    assert.equal(await p.locator('#session-import-error .code').textContent(), 'DIGEST_INVALID');
    assert.equal(await p.locator('#session-import-error .inline-error').textContent(),
      `DIGEST_INVALIDHTTP 400 the bytes saved as ${digest} hash to ${rotten}: the session is damaged`);
    assert.equal(await p.locator('#session-import-error .hint').textContent(), 'damaged.json was not imported; nothing was changed.');
    assert.equal(await p.locator('#error .code').textContent(), 'DIGEST_INVALID');
    assert.equal(await p.locator('#session-import-ask').count(), 0);
    assert.equal(await hash(p), h, 'nothing changed');
    assert.deepEqual(await catalog(p), shown);
    await shotSession(p, 'keep-06-import-refused.png');

    // Not a session at all, and a session from a newer Stowage.
    await p.setInputFiles('#session-import-file', { name: 'photo.json', mimeType: 'application/json', buffer: Buffer.from('\x89PNG') });
    await p.locator('#session-import-error .hint', { hasText: 'photo.json was not imported' }).waitFor();
    assert.match(await p.locator('#session-import-error .inline-error').textContent(), /^INVALID_ARGUMENTHTTP 400 this is not a saved Stowage session: /);
    const newer = JSON.stringify({ ...JSON.parse(text), format: 2, writtenBy: '9.0.0' });
    await p.setInputFiles('#session-import-file', { name: 'newer.json', mimeType: 'application/json', buffer: Buffer.from(newer) });
    await p.locator('#session-import-error .hint', { hasText: 'newer.json was not imported' }).waitFor();
    assert.equal(await p.locator('#session-import-error .inline-error').textContent(),
      'INVALID_ARGUMENTHTTP 400 this session was saved by Stowage 9.0.0 in format 2, newer than this page understands (1)');
    assert.equal(await hash(p), h);
    await context.close();
  });

  it('(d) a share link replays to the same hash; hostile links give a message and a clean page', async () => {
    let context = await newContext();
    const p = await open(context);
    await push(p);
    await advance(p, '#advance-1m');
    const h = await hash(p);
    const ms = await clockMs(p);
    const shown = await catalog(p);
    const text = await sessionText(p);
    await p.click('#session-share');
    const link = await p.locator('#session-link-url').inputValue();
    assert.ok(link.startsWith(`${web.url}#s=`), link);
    const data = link.slice(`${web.url}#s=`.length);
    assert.equal(Number(await p.locator('#session-link').getAttribute('data-bytes')), data.length + 2);
    assert.ok(data.length + 2 <= LINK_FRAGMENT_MAX);
    // `STW`, format 1, the text's length, then the text deflated.
    const packed = Buffer.from(data, 'base64url');
    assert.equal(packed.subarray(0, 4).toString('latin1'), 'STW\x01');
    assert.equal(packed.readUInt32LE(4), Buffer.byteLength(text));
    assert.equal(inflateRawSync(packed.subarray(8)).toString('utf8'), text);
    console.log(`# share link: ${link.length} characters for ${Buffer.byteLength(text)} bytes of session text`);
    // "Copy" puts it on the clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url.slice(0, -1) });
    await p.click('#session-link-copy');
    await p.locator('#session-link-note.ok', { hasText: 'Copied the link.' }).waitFor();
    assert.equal(await p.evaluate(() => navigator.clipboard.readText()), link);
    await shotSession(p, 'keep-07-link.png');

    const q = await open(await newContext(), link);
    const opened = `Opened the shared session of registry stowage: 2 actions, virtual time ${clock(ms)}.`;
    await q.locator('#session-opened.ok', { hasText: opened }).waitFor();
    assert.equal(await hash(q), h);
    assert.equal(await clockMs(q), ms);
    assert.deepEqual(await catalog(q), shown);
    assert.equal(q.url(), web.url, 'the fragment leaves the address once read');
    // It becomes this browser's session.
    await saved(q, h);
    await q.evaluate(() => window.scrollTo(0, 0));
    await shot(q, 'keep-08-link-opened.png');

    // Hostile fragments, each in a fresh browser profile.
    const session = JSON.parse(text);
    const hostile = [
      ['random', randomBytes(600).toString('base64url'),
        'this is not a Stowage session link: it is damaged or cut short'],
      ['not base64url', 'not*base64!', "the link is damaged: its data is not base64url (Invalid symbol 42, offset 3.)"],
      ['a huge declared size', linkData(text, { declared: 0xffff_ffff }),
        `the link declares ${grouped(0xffff_ffff)} bytes of session text, more than the 16.0 MiB a link may carry`],
      ['a deflate bomb', linkData('x', { declared: 1000, body: deflateRawSync(Buffer.alloc(LINK_TEXT_MAX * 2)) }),
        'the link inflates to more than the 1,000 bytes it declares'],
      ['a cut stream', linkData(text).slice(0, 200), null],
      ['a newer link format', linkData(text, { format: 2 }),
        'the link was made by a newer Stowage (link format 2; this page reads format 1)'],
      ['a newer session format', linkData(JSON.stringify({ ...session, format: 7, writtenBy: '3.0.0' })),
        'this session was saved by Stowage 3.0.0 in format 7, newer than this page understands (1)'],
      ['another state', linkData(JSON.stringify({ ...session, nowMs: session.nowMs + 1 })),
        'the saved session replays to a different state than the one saved (saved by Stowage 0.1.0, this is 0.1.0); nothing was loaded'],
      ['too long', 'A'.repeat(LINK_FRAGMENT_MAX),
        `the link's data is ${grouped(LINK_FRAGMENT_MAX + 2)} bytes, longer than the 64.0 KiB a Stowage link may be`],
    ];
    for (const [what, fragment, why] of hostile) {
      context = await newContext();
      const r = await open(context, `${web.url}#s=${fragment}`);
      await r.locator('#session-opened.error').waitFor();
      const said = await r.locator('#session-opened').textContent();
      if (why) {
        assert.equal(said, `The shared link could not be opened: ${why}; the page starts clean.`, what);
      } else {
        assert.match(said, /^The shared link could not be opened: the link is damaged: its data does not inflate \(.+\); the page starts clean\.$/, what);
      }
      assert.equal(await r.locator('#error .code').textContent(), 'LINK_REFUSED', what);
      await assertClean(r);
      if (what === 'a huge declared size') await shotBanner(r, 'keep-09-hostile-link.png');
      await context.close();
    }

    // A session whose uploaded bytes make the link too long: export instead.
    const big = randomBytes(80 * 1024);
    await push(p, big, 'big/app', 'v1');
    await p.click('#session-share');
    await p.locator('#session-link-too-long').waitFor();
    const needed = Number(await p.locator('#session-link-too-long').getAttribute('data-bytes'));
    assert.ok(needed > LINK_FRAGMENT_MAX, String(needed));
    assert.equal(await p.locator('#session-link-too-long p').textContent(),
      `This session is too big for a link: it would take ${human(needed)} (it carries ${human(FILE_BYTES + big.length)} ` +
      'of uploaded bytes), more than the 64.0 KiB a link may carry. Export it as a file instead: the file carries everything.');
    assert.equal(await p.locator('#session-link-url').count(), 0);
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#session-link-export')]);
    assert.equal(readFileSync(await download.path(), 'utf8'), await sessionText(p));
    await shotSession(p, 'keep-10-link-too-long.png');
  });

  it('(e) a full quota: the message, and the copy saved before still restores', async () => {
    const context = await newContext();
    let p = await open(context);
    await push(p);
    await advance(p, '#advance-1m');
    const h = await hash(p);
    const ms = await clockMs(p);
    const before = await saved(p, h);
    const at = (await p.locator('#session-saved').textContent()).match(/at (\d\d:\d\d:\d\d):/)[1];
    await p.close();

    // Every write now fails as a full disk does.
    const full = () => {
      IDBObjectStore.prototype.put = function put() {
        throw new DOMException('Simulated: the quota has been exceeded.', 'QuotaExceededError');
      };
    };
    p = await open(context, undefined, full);
    await p.locator('#session-opened.ok', { hasText: 'Restored your session: 2 actions' }).waitFor();
    assert.equal(await hash(p), h);
    await advance(p, '#advance-10m');
    const why = "This session could not be saved: the browser's storage quota for this page is full " +
      `(QuotaExceededError: Simulated: the quota has been exceeded.). The copy saved before (at ${at}, 2 actions, ` +
      `virtual time ${clock(ms)}) is intact; Export session keeps what you see now as a file.`;
    await p.locator('#session-save-error').waitFor();
    assert.equal(await p.locator('#session-save-error').textContent(), why);
    assert.equal(await p.locator('#error .code').textContent(), 'SAVE_FAILED');
    assert.equal(await p.locator('#error .message').textContent(), why);
    await shotBanner(p, 'keep-11-quota.png');
    // The page goes on working, and a later change fails the same way, calmly.
    await advance(p, '#advance-1m');
    assert.equal(await clockMs(p), ms + 11 * 60_000);
    assert.equal(await p.locator('#session-save-error').textContent(), why);
    const untouched = [await record(p, DB.current), ...await parts(p)];
    assert.equal(untouched.reduce((n, r) => n + r.text.length, 0), before.bytes, 'the saved copy is untouched');
    assert.equal(untouched.length, before.parts + 1);
    await shotSession(p, 'keep-12-quota-panel.png');
    const last = await hash(p);
    const lastMs = await clockMs(p);
    await p.close();

    // Storage works again: the copy saved before the failures restores, with the changes the
    // full quota kept out of IndexedDB: they were kept in localStorage when the page closed
    // (ui/keep/tail.rs), and are put back first.
    p = await open(context);
    await p.locator('#session-opened.ok', { hasText: `Restored your session: 2 actions, virtual time ${clock(lastMs)}.` }).waitFor();
    assert.equal(await hash(p), last);
    assert.equal(await clockMs(p), lastMs);
    assert.notEqual(lastMs, ms);
    assert.equal(await p.evaluate(() => localStorage.getItem('stowage-tail')), null, 'the tail went once stored');
    await context.close();
  });

  it('(f) two tabs: the second shows the session but does not save; reloaded once the first is closed, it saves', async () => {
    const context = await newContext();
    const first = await open(context);
    await push(first);
    const h1 = await hash(first);
    await saved(first, h1);
    const stored = async (p) => [await record(p, DB.current), ...await parts(p)].map((r) => r.text);

    // A second tab of the same browser: it restores the session, and says it does not save.
    let second = await open(context);
    await second.locator('#session-opened.ok', { hasText: 'Restored your session: 1 action' }).waitFor();
    assert.equal(await hash(second), h1);
    const other = 'This session is open in another tab of this browser, which saves it: this tab shows it but does ' +
      "not save what you do here. Close the other tab and reload this one to save here; Export session keeps this tab's " +
      'work as a file.';
    assert.equal(await second.locator('#session-unavailable').textContent(), other);
    await shotSession(second, 'keep-13-second-tab.png');
    // What is done there is not written over the first tab's session.
    const before = await stored(first);
    await advance(second, '#advance-10m');
    await second.waitForTimeout(2_500);
    assert.deepEqual(await stored(first), before, 'the second tab wrote nothing');
    // The first tab goes on saving.
    await advance(first, '#advance-1m');
    const h2 = await hash(first);
    const ms = await clockMs(first);
    await saved(first, h2);
    await first.close();

    // The first tab closed: reloaded, the second restores what the first saved last, and saves.
    await second.reload();
    await second.locator('#session-opened.ok').waitFor();
    assert.equal(await hash(second), h2);
    assert.equal(await clockMs(second), ms);
    assert.equal(await second.locator('#session-unavailable').count(), 0);
    await advance(second, '#advance-1m');
    await saved(second);
    await context.close();
  });

  it('(g) a real full quota: pushes fill it; the page says so, works on, keeps the last copy that fit, and saves again once there is room', async () => {
    // The browser's own quota for the page's origin, made small through the DevTools protocol
    // before the page opens its database (Chromium reads an origin's quota when it opens the
    // origin's storage; a raised one applies at once).
    const context = await newContext();
    const p = watchPage(await context.newPage());
    const cdp = await context.newCDPSession(p);
    const origin = new URL(web.url).origin;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA_BYTES });
    await p.goto(web.url);
    await p.locator('#session').waitFor();
    const used = async () => (await cdp.send('Storage.getUsageAndQuota', { origin })).usage;
    assert.deepEqual(await cdp.send('Storage.getUsageAndQuota', { origin }).then((q) => [q.quota, q.overrideActive]), [QUOTA_BYTES, true]);

    // Uploaded bytes, pushed through the file input, until a save no longer fits. Random bytes:
    // nothing compresses them on the way to disk.
    await push(p);
    let last = await saved(p);
    const fits = [];
    let failed = null;
    for (let i = 1; i <= 12 && !failed; i++) {
      const bytes = randomBytes(UPLOAD_BYTES);
      await push(p, bytes, 'big/app', `v${i}`);
      const h = await hash(p);
      const ms = await clockMs(p);
      // Either this state is saved, or the page says why not.
      await p.locator(`#session-saved[data-hash="${h}"][data-now-ms="${ms}"], #session-save-error`).first().waitFor();
      if (await p.locator('#session-save-error').count()) {
        failed = { i, h, ms, bytes };
      } else {
        last = { ...await saved(p, h), h, ms, at: (await p.locator('#session-saved').textContent()).match(/at (\d\d:\d\d:\d\d):/)[1] };
        fits.push({ i, saved: last.bytes, usage: await used() });
      }
    }
    assert.ok(failed, `${QUOTA_BYTES} bytes of quota never filled`);
    assert.ok(fits.length >= 1, 'at least one upload fitted before the quota filled');
    const usage = await used();
    console.log(`# quota ${grouped(QUOTA_BYTES)} bytes: ${fits.length} uploads of ${grouped(UPLOAD_BYTES)} bytes saved ` +
      `(${fits.map((f) => `${grouped(f.saved)} bytes of session, ${grouped(f.usage)} used`).join('; ')}); upload ${failed.i} did not fit ` +
      `(${grouped(usage)} bytes used)`);

    // The message, in the page's words with the browser's: the quota is full, the copy saved
    // before is intact, Export session keeps what is on the screen.
    const why = new RegExp(`^${literal("This session could not be saved: the browser's storage quota for this page is full (QuotaExceededError")}` +
      `(: [^)]*)?${literal(`). The copy saved before (at ${last.at}, ${last.actions} actions, virtual time ${clock(last.ms)}) is intact; ` +
        'Export session keeps what you see now as a file.')}$`);
    const said = await p.locator('#session-save-error').textContent();
    assert.match(said, why);
    assert.equal(await p.locator('#error .code').textContent(), 'SAVE_FAILED');
    assert.equal(await p.locator('#error .message').textContent(), said);
    console.log(`# the page said: ${said}`);
    await shotBanner(p, 'keep-14-real-quota.png');
    await shotSession(p, 'keep-15-real-quota-panel.png');

    // The registry in memory works on: what did not fit is there, byte for byte; one more push.
    const layer = await p.evaluate(({ d }) => Array.from(window.stowage.page().pullBlob('big/app', d)), { d: sha256(failed.bytes) });
    assert.equal(sha256(Buffer.from(layer)), sha256(failed.bytes));
    await push(p, Buffer.from('one more, while the quota is full\n'), 'small/app', 'v1');
    assert.notEqual(await hash(p), failed.h);
    await p.locator('#session-save-error').waitFor();
    assert.match(await p.locator('#session-save-error').textContent(), why, 'a later change fails the same way, calmly');
    assert.equal(await p.locator(`#session-saved[data-hash="${last.h}"]`).count(), 1, 'the panel still says what was saved last');
    // What is saved is not damaged: the text and its parts replay to the state saved last.
    const stored = [await record(p, DB.current), ...await parts(p)];
    assert.equal(stored.reduce((n, r) => n + Buffer.byteLength(r.text, 'utf8'), 0), last.bytes, 'IndexedDB holds what was saved last');
    const replayed = await p.evaluate(({ text, parts }) => window.stowage.Registry.loadSessionParts(text, parts).eventLogHash(),
      { text: stored[0].text, parts: stored.slice(1).map((r) => r.text) });
    assert.equal(replayed, last.h);
    // The way out the page offers: Export session, which keeps all of it.
    const now = { h: await hash(p), ms: await clockMs(p) };
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#session-export')]);
    const exported = readFileSync(await download.path());
    assert.equal(await p.evaluate((text) => window.stowage.Registry.loadSession(text).eventLogHash(), exported.toString('utf8')), now.h);

    // A reload, the quota still full: the last copy that fit comes back, whole.
    await p.reload();
    await p.locator('#session').waitFor();
    const restored = `Restored your session: ${last.actions} actions, virtual time ${clock(last.ms)}.`;
    await p.locator('#session-opened.ok', { hasText: restored }).waitFor();
    assert.equal(await hash(p), last.h);
    assert.equal(await clockMs(p), last.ms);
    assert.equal(await p.locator('#error').count(), 0);

    // Room again (the quota raised): the next change is saved; then what did not fit comes back
    // from the exported file, and is saved too.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 64 << 20 });
    await advance(p, '#advance-1m');
    const next = await saved(p);
    assert.equal(next.actions, last.actions + 1);
    assert.equal(await p.locator('#session-save-error').count(), 0);
    await p.setInputFiles('#session-import-file', { name: 'kept.json', mimeType: 'application/json', buffer: exported });
    await p.locator('#session-import-ask').waitFor();
    await p.click('#session-import-confirm');
    await p.locator('#status .message', { hasText: 'Imported kept.json' }).waitFor();
    assert.equal(await hash(p), now.h);
    const resumed = await saved(p, now.h);
    assert.ok(resumed.bytes > last.bytes, `${resumed.bytes} bytes saved, more than the ${last.bytes} that fitted before`);
    assert.equal(await p.locator('#session-save-error').count(), 0);
    console.log(`# quota raised: ${grouped(resumed.bytes)} bytes saved (${grouped(await used())} used)`);
    await p.reload();
    await p.locator('#session-opened.ok', { hasText: `Restored your session: ${resumed.actions} actions, virtual time ${clock(now.ms)}.` }).waitFor();
    assert.equal(await hash(p), now.h);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await context.close();
  });

  it('no page error or console error happened', () => {
    assert.deepEqual(web.errors, []);
  });
});
