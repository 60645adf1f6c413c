// End to end, in the release build: a push of large files through the push form is sent the
// way a registry client sends it (issue 13, "Never frozen"; the engine's upload sessions of
// issue 15): each file through an upload session a chunk at a time, one slice per animation
// frame, with a progress bar; Stop cancels the upload under way and tags nothing; the pushed
// image survives a reload (its chunks were saved as they were sent). A large archive import is
// read the same way (hashed, inflated, its layers hashed and sealed a slice per frame), with a
// bar and Stop; the archive is kept in pieces beside the text and the import survives a reload.
//
//   scripts/build.sh && node --test tests/e2e/upload.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerSave, mounted, paths, site, statusOf, storedPrefixed, storedRecord } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);

const MIB = 1024 * 1024;
/** `n` deterministic bytes, different for each `seed`. */
const bytesOf = (n, seed) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 4) b.writeUInt32LE(((i + seed) * 2654435761) >>> 0, i);
  return b;
};
const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
/** The page's registry, through the JS API the page exposes. */
const page = (p, f, arg) => p.evaluate(([f, arg]) => new Function('r', 'arg', `return (${f})(r, arg)`)(window.stowage.page(), arg), [f.toString(), arg]);

describe('a push of large files', { timeout: 300_000 }, () => {
  const web = site({ root: ROOT, dist: DIST, timeout: 60_000 });

  it('is sent in upload sessions a chunk at a time, with progress, and can be stopped', async () => {
    // Every main-thread task over 50 ms (Chromium's long-task observer).
    const p = await web.open({ init: () => {
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); })
        .observe({ type: 'longtask', buffered: true });
    } });
    const file = bytesOf(6 * MIB, 1);
    await p.fill('#push-repo', 'demo/big');
    await p.fill('#push-tag', 'v1');
    await p.setInputFiles('#push-files', { name: 'big.bin', mimeType: 'application/octet-stream', buffer: file });
    await p.locator('#pending-layers li', { hasText: 'big.bin' }).waitFor();
    // What the form shows while it sends, recorded as it changes (the push may take well under
    // a second): the bar, the bytes sent, and a submit button that will not push twice.
    await p.evaluate(() => {
      window.__sending = [];
      new MutationObserver(() => {
        const sending = document.querySelector('#push-sending');
        if (sending) window.__sending.push({
          sent: Number(sending.dataset.sent),
          total: sending.dataset.total,
          submitDisabled: document.querySelector('#push-submit').disabled,
          role: document.querySelector('#push-progress').getAttribute('role'),
        });
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    // From the click until the push is done (Playwright's own work in the page, handing it
    // the file, comes before).
    await p.evaluate(() => window.__long.splice(0));
    await p.click('#push-submit');
    const bar = p.locator('#push-progress');
    await p.locator('#status .message', { hasText: 'Pushed demo/big:v1' }).waitFor();
    const tasks = await p.evaluate(() => window.__long.splice(0));
    const seen = await p.evaluate(() => window.__sending);
    assert.ok(seen.length >= 2, `the bar was shown while sending: ${JSON.stringify(seen)}`);
    const shown = { total: seen[0].total, submitDisabled: seen.every((s) => s.submitDisabled), role: seen[0].role };
    const sent = seen.map((s) => s.sent);
    assert.ok(sent.every((n, i) => i === 0 || n >= sent[i - 1]) && sent.at(-1) > 0, `sent grows: ${sent}`);
    assert.deepEqual(shown, { total: String(6 * MIB), submitDisabled: true, role: 'progressbar' });
    assert.equal(await bar.count(), 0, 'the bar is gone once pushed');
    assert.match(await statusOf(p), /^Pushed demo\/big:v1 as manifest sha256:[0-9a-f]{12} with 1 layer, as admin\. Uploaded 6,29\d,\d{3} bytes in \d+ ms of virtual time/);
    const digest = sha256(file);
    const facts = await page(p, (r, d) => ({
      uploads: r.uploads(),
      layers: r.pushImage ? JSON.parse(new TextDecoder().decode(r.pullManifest('demo/big', 'v1').bytes)).layers : [],
      pulled: Array.from(r.pullBlob('demo/big', d).slice(0, 16)),
      size: r.pullBlob('demo/big', d).length,
      session: r.saveSession(),
    }), digest);
    assert.deepEqual(facts.uploads, [], 'no upload left open');
    assert.equal(facts.layers.length, 1);
    assert.equal(facts.layers[0].digest, digest, 'the layer is the file, by its SHA-256');
    assert.equal(facts.layers[0].size, 6 * MIB);
    assert.equal(facts.layers[0].annotations['org.opencontainers.image.title'], 'big.bin');
    assert.equal(facts.size, 6 * MIB);
    assert.deepEqual(facts.pulled, Array.from(file.subarray(0, 16)));
    const commands = (name) => facts.session.split(`"do":"${name}"`).length - 1;
    assert.deepEqual(
      [commands('startUpload'), commands('appendUpload'), commands('finishUpload'), commands('pushImage')],
      [1, 12, 1, 1],
      'one session, 12 chunks of 512 KiB, then the manifest',
    );
    assert.equal(await p.locator('#pending-layers').count(), 0, 'the pushed file left the list');
    // The page kept answering: longtasks.test.mjs holds a 64 MiB push under 100 ms
    // (5,124 ms before); here, with other tests sharing the CPU, the bound is looser.
    const longest = Math.max(0, ...tasks);
    console.log(`# longest main-thread task while pushing 6 MiB: ${longest} ms`);
    assert.ok(longest < 250, `longest task ${longest} ms`);

    // Pulled back as a download: a 6 MiB layer is opened (decrypted, its tag and digest
    // checked) a slice per frame, with a bar, and saved whole once every byte is checked.
    await p.evaluate(() => window.__long.splice(0));
    const pull = p.locator(`[data-repo="demo/big"] [data-layer="${digest}"] .pull-layer`);
    const [download] = await Promise.all([p.waitForEvent('download'), pull.click()]);
    const pulledTasks = await p.evaluate(() => window.__long.splice(0));
    assert.equal(download.suggestedFilename(), 'big.bin');
    assert.ok(readFileSync(await download.path()).equals(file), 'the saved bytes are the pushed file');
    assert.match(await statusOf(p), /^Pulled sha256:[0-9a-f]{64}: decrypted, digest checked, saved as big\.bin \(/);
    assert.equal(await p.locator('#download').count(), 0, 'the bar is gone once saved');
    const longestPull = Math.max(0, ...pulledTasks);
    console.log(`# longest main-thread task while pulling 6 MiB: ${longestPull} ms`);
    assert.ok(longestPull < 250, `longest task ${longestPull} ms`);

    // Stop: the upload under way is cancelled, nothing is tagged, the file stays listed.
    const second = bytesOf(48 * MIB, 2);
    await p.fill('#push-tag', 'v2');
    await p.setInputFiles('#push-files', { name: 'second.bin', mimeType: 'application/octet-stream', buffer: second });
    await p.locator('#pending-layers li', { hasText: 'second.bin' }).waitFor();
    await p.click('#push-submit');
    // Stopped as soon as it shows (a 48 MiB push takes about two seconds).
    await p.locator('#push-stop').click();
    await bar.waitFor({ state: 'detached' });
    assert.match(await statusOf(p), /^Stopped pushing demo\/big:v2: the upload under way was cancelled and nothing was tagged\./);
    const after = await page(p, (r) => ({ uploads: r.uploads(), tags: r.tags('demo/big').tags }));
    assert.deepEqual(after, { uploads: [], tags: ['v1'] });
    await p.locator('#pending-layers li', { hasText: 'second.bin' }).waitFor();
    assert.deepEqual(web.errors, []);
    await p.context().close();
  });

  it('keeps what it pushed across a reload', async () => {
    const p = await web.open();
    const file = bytesOf(3 * MIB, 3);
    await p.fill('#push-repo', 'demo/kept');
    await p.setInputFiles('#push-files', { name: 'kept.bin', mimeType: 'application/octet-stream', buffer: file });
    await p.locator('#pending-layers li', { hasText: 'kept.bin' }).waitFor();
    await p.click('#push-submit');
    await p.locator('#push-progress').waitFor({ state: 'detached' });
    await p.locator('#status .message', { hasText: 'Pushed demo/kept:v1' }).waitFor();
    // Saved within a second: the chunks as binary records beside the text, not in it.
    // The six chunks of 512 KiB, each a record of its own, its bytes as they are.
    const chunkSizes = () => p.evaluate(() => new Promise((ok, fail) => {
      const req = indexedDB.open('stowage');
      req.onsuccess = () => {
        const all = req.result.transaction('sessions').objectStore('sessions').getAll(IDBKeyRange.bound('blob:', 'blob:\u{10ffff}'));
        all.onsuccess = () => { req.result.close(); ok(all.result.map((r) => [r.kind, r.bytes.constructor.name, r.bytes.length])); };
        all.onerror = () => fail(all.error);
      };
    }));
    let chunks = [];
    for (let tries = 0; tries < 100 && chunks.length < 6; tries++) {
      await p.waitForTimeout(100);
      chunks = await chunkSizes();
    }
    assert.deepEqual(chunks, Array(6).fill(['stowage-blob-record', 'Uint8Array', 512 * 1024]));
    await p.waitForFunction(() => /uploaded are kept beside it/.test(document.querySelector('#session-saved')?.textContent ?? ''));
    const texts = [await storedRecord(p, 'current'), ...(await storedPrefixed(p, 'part:')).map((r) => r.value)];
    const textBytes = texts.reduce((n, r) => n + Buffer.byteLength(r.text, 'utf8'), 0);
    assert.ok(textBytes < 64 * 1024, `the session text names the chunks without carrying them: ${textBytes} bytes`);
    assert.match(await p.locator('#session-saved').textContent(), /and the 3(\.0)? MiB you uploaded are kept beside it as they are;/);
    await p.reload();
    await mounted(p);
    const digest = sha256(file);
    const back = await page(p, (r, d) => {
      const b = r.pullBlob('demo/kept', d);
      return { size: b.length, tags: r.tags('demo/kept').tags, uploads: r.uploads() };
    }, digest);
    assert.deepEqual(back, { size: 3 * MIB, tags: ['v1'], uploads: [] });
    assert.deepEqual(web.errors, []);
    await p.context().close();
  });

  it('reads a large archive a slice at a time, with progress and Stop, and keeps its import across a reload', async () => {
    const p = await web.open({ init: () => {
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); })
        .observe({ type: 'longtask', buffered: true });
    } });
    const saved = dockerSave('team/big:v1', [['big.bin', bytesOf(12 * MIB, 7)]]);
    // Handed over as a file on disk: a buffer would be decoded by Playwright in the page's own
    // main thread, a long task of its own.
    const file = join(mkdtempSync(join(tmpdir(), 'stowage-')), 'big.tar');
    writeFileSync(file, saved.bytes);
    const steps = () => p.evaluate(() => {
      window.__steps = [];
      new MutationObserver(() => {
        const r = document.querySelector('#archive-result[data-kind="reading"][data-step]');
        if (r) window.__steps.push([r.dataset.step, Number(r.dataset.percent)]);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    // Stop while it is being read: nothing is imported, and the log has nothing of it.
    const larger = dockerSave('team/larger:v1', [['larger.bin', bytesOf(48 * MIB, 8)]]);
    await p.locator('#archive-import-file').setInputFiles({ name: 'larger.tar', mimeType: 'application/x-tar', buffer: larger.bytes });
    await p.locator('#archive-stop').waitFor();
    await p.locator('#archives').screenshot({ path: join(SHOTS, 'upload-02-archive-reading.png') });
    await p.locator('#archive-stop').click();
    await p.locator('#archive-result').waitFor({ state: 'detached' });
    assert.match(await statusOf(p), /^Stopped importing larger\.tar: nothing of it was imported\./);
    assert.deepEqual(await page(p, (r) => ({ repos: r.catalog().repositories, log: r.saveSession().includes('importArchive') })),
      { repos: [], log: false });

    // Read whole: the bar goes through its steps and only grows, then the import lands at once.
    await steps();
    await p.evaluate(() => window.__long.splice(0));
    await p.locator('#archive-import-file').setInputFiles(file);
    await p.locator('#archive-result[data-kind="imported"]').waitFor();
    const tasks = await p.evaluate(() => window.__long.splice(0));
    const seen = await p.evaluate(() => window.__steps);
    const order = [...new Set(seen.map(([s]) => s))];
    assert.deepEqual(order, ['hashing', 'checking'], `steps: ${JSON.stringify(seen)}`);
    const percents = seen.map(([, n]) => n);
    assert.ok(percents.every((n, i) => i === 0 || n >= percents[i - 1]), `the bar only grows: ${percents}`);
    assert.ok(seen.length >= 4, `several slices were shown: ${seen.length}`);
    assert.match(await statusOf(p), /^Imported big\.tar, a docker save archive: 1 image, /);
    const layerDigest = sha256(saved.layer);
    const facts = await page(p, (r, d) => ({
      tags: r.tags('team/big').tags,
      size: r.pullBlob('team/big', d).length,
      imports: r.saveSession().split('"do":"importArchive"').length - 1,
    }), layerDigest);
    assert.deepEqual(facts, { tags: ['v1'], size: saved.layer.length, imports: 1 });
    const longest = Math.max(0, ...tasks);
    console.log(`# longest main-thread task while importing a ${(saved.bytes.length / MIB).toFixed(1)} MiB archive: ${longest} ms`);
    assert.ok(longest < 250, `longest task ${longest} ms`);

    // Saved beside the text in pieces of 4 MiB (each written in a task of its own), the record
    // naming how many; a reload replays the import a slice at a time.
    const blobs = () => p.evaluate(() => new Promise((ok, fail) => {
      const req = indexedDB.open('stowage');
      req.onsuccess = () => {
        const store = req.result.transaction('sessions').objectStore('sessions');
        const range = IDBKeyRange.bound('blob:', 'blob:\u{10ffff}');
        const keys = store.getAllKeys(range);
        const all = store.getAll(range);
        all.onsuccess = () => { req.result.close(); ok(all.result.map((r, i) => [keys.result[i].replace(/^blob:[0-9a-f]{64}/, 'blob:<hex>'), r.kind, r.bytes.length, r.pieces ?? null])); };
        all.onerror = () => fail(all.error);
      };
    }));
    let kept = [];
    for (let tries = 0; tries < 100 && kept.length < 4; tries++) {
      await p.waitForTimeout(100);
      kept = await blobs();
    }
    const pieces = Math.ceil(saved.bytes.length / (4 * MIB));
    assert.equal(pieces, 4);
    assert.deepEqual(kept, [
      ['blob:<hex>', 'stowage-blob-record', 4 * MIB, pieces],
      ['blob:<hex>/0001', 'stowage-blob-piece', 4 * MIB, null],
      ['blob:<hex>/0002', 'stowage-blob-piece', 4 * MIB, null],
      ['blob:<hex>/0003', 'stowage-blob-piece', saved.bytes.length - 12 * MIB, null],
    ]);
    await p.waitForFunction(() => /uploaded are kept beside it/.test(document.querySelector('#session-saved')?.textContent ?? ''));
    await p.reload();
    await mounted(p);
    await p.evaluate(() => window.__long.splice(0));
    const back = await page(p, (r, d) => ({ tags: r.tags('team/big').tags, size: r.pullBlob('team/big', d).length }), layerDigest);
    assert.deepEqual(back, { tags: ['v1'], size: saved.layer.length });
    assert.deepEqual(web.errors, []);
    await p.context().close();
  });
});
