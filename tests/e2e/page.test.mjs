// End-to-end test of the page: the release build in dist/, served by scripts/serve.mjs, driven in
// headless Chromium by playwright-core. Every figure is checked exactly: digests are recomputed
// here with node:crypto, sizes come from the bytes themselves, virtual times from the 10-minute
// garbage-collection delay. Screenshots go to target/e2e/.
//
//   scripts/build.sh && node --test tests/e2e/

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clock, grouped, launch, lookIds, LOOK_IDS, paths, serve, stop, storyTextOf } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
const REPO = 'demo/app';
const TAG = 'v1';
const FILE_NAME = 'hello.txt';
const FILE_BYTES = 3000;
/** The registry's garbage-collection delay (RegistryOptions::default().gc_delay). */
const GC_DELAY_MS = 10 * 60_000;
/** Upload bandwidth in bytes per second (the 2019–2022 table, used in every rate model). */
const UPLOAD = { Basic: 10_000_000, Standard: 20_000_000, Premium: 50_000_000 };
/** Virtual time a push of `bytes` takes: the engine rounds up to a whole millisecond. */
const uploadMs = (bytes, tier = 'Standard') => Math.ceil((bytes * 1000) / UPLOAD[tier]);

/** `text` as a regular expression matching it literally. */
/** A scenario file's text in English: a plain string, or `{ en, nl, fr }`. */
const enText = (text) => (typeof text === 'string' ? text : text.en);
const literal = (text) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** 3000 bytes of readable text, so the plaintext head reads as words beside the ciphertext. */
function fileContent() {
  let text = '';
  for (let line = 1; text.length < FILE_BYTES; line++) {
    text += `Hello from Stowage! This is line ${String(line).padStart(3, '0')} of ${FILE_NAME}.\n`;
  }
  return Buffer.from(text.slice(0, FILE_BYTES), 'utf8');
}

const sha256 = (bytes) => 'sha256:' + createHash('sha256').update(bytes).digest('hex');

/** The page's size format: exact below 1 KiB, else one decimal (none from 100 up). */
function human(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

describe('the Stowage page', { timeout: 300_000 }, () => {
  const file = fileContent();
  const layerDigest = sha256(file);
  let server;
  let browser;
  let page;
  const pageErrors = [];
  // Filled in by the push step, used by the later ones.
  let configDigest;
  let configBytes;
  let manifestDigest;
  let manifestBytes;

  // #storage-used is what the registry bills; #storage-stored what its accounts still hold.
  const storageUsed = async () => Number(await page.locator('#storage-used').getAttribute('data-bytes'));
  const storageStored = async () => Number(await page.locator('#storage-stored').getAttribute('data-bytes'));
  const gcJobs = async () => Number(await page.locator('#gc-backlog').getAttribute('data-jobs'));
  const clockMs = async () => Number(await page.locator('#clock-now').getAttribute('data-ms'));
  /** Presses a clock button and waits until the clock reads `time`. */
  const pressClock = async (button, time) => {
    await page.click(button);
    await page.locator('#clock-now', { hasText: time }).waitFor();
  };
  // Each event's full sentence, newest first (the log lists them oldest first; the page shows record keys cut to 12 hex digits; the title has them whole).
  const eventTexts = () => page.locator('#events li .text').evaluateAll((els) => els.map((e) => e.title).reverse());
  /** The header, the clock bar, the intro and the status line. */
  const shotTop = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.locator('#status').boundingBox();
    await shot(name, { clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 12) } });
  };
  /** Drops the test file on the drop zone and pushes it as repo:tag. */
  const pushDropped = async (repo, tag) => {
    const transfer = await page.evaluateHandle(({ bytes, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/plain' }));
      return dt;
    }, { bytes: [...file], name: FILE_NAME });
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
    await page.locator('#pending-layers li', { hasText: FILE_NAME }).waitFor();
    await page.fill('#push-repo', repo);
    await page.fill('#push-tag', tag);
    await page.click('#push-submit');
    await page.locator(`#catalog [data-repo="${repo}"] .tag[data-tag="${tag}"]`).waitFor();
  };
  const layer = () => page.locator(`[data-repo="${REPO}"] [data-layer="${layerDigest}"]`);
  const shot = (name, options = {}) => page.screenshot({ path: join(SHOTS, name), ...options });
  const topEventSeq = async () => Number(await page.locator('#events li').last().getAttribute('data-seq'));

  before(async () => {
    assert.ok(
      existsSync(join(DIST, 'index.html')),
      'dist/index.html is missing: build the page first with scripts/build.sh',
    );
    mkdirSync(SHOTS, { recursive: true });
    const served = await serve(ROOT, DIST);
    server = served.server;
    const { url } = served;
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      // The browser asks for /favicon.ico by itself; the page has none.
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) {
        pageErrors.push(`${m.text()} (${m.location().url})`);
      }
    });
    await page.goto(url);
  });

  after(async () => {
    await stop(browser, server);
  });

  it('opens on an empty registry named stowage', async () => {
    await page.locator('#registry-name', { hasText: 'stowage' }).waitFor();
    assert.equal(await page.locator('#registry-name').textContent(), 'stowage');
    assert.equal(await storageUsed(), 0);
    assert.equal(await storageStored(), 0);
    assert.equal(await page.locator('#storage-used').textContent(), '0 B');
    assert.equal(await page.locator('#clock-now').textContent(), '00:00:00.000');
    assert.equal(await clockMs(), 0);
    assert.equal(await gcJobs(), 0);
    for (const id of ['#advance-1m', '#advance-10m', '#step-job', '#run-idle']) {
      assert.ok((await page.locator(id).getAttribute('title')).length > 20, `${id} says what it does`);
    }
    assert.match(await page.locator('#clock').textContent(), /Stowage's choice/);
    assert.equal(await page.locator('#catalog [data-repo]').count(), 0);
    assert.equal(await page.locator('#error').count(), 0);
    assert.equal(await page.locator('#accounts table.usage:not(.geo-accounts) tbody tr').count(), 4);
    await shot('01-empty.png');
  });

  it('pushes a file as a layer and shows it with its exact digest and size', async () => {
    await page.fill('#push-repo', REPO);
    await page.fill('#push-tag', TAG);
    await page.setInputFiles('#push-files', { name: FILE_NAME, mimeType: 'text/plain', buffer: file });
    const pending = page.locator('#pending-layers li');
    await pending.filter({ hasText: FILE_NAME }).waitFor();
    assert.equal(await pending.count(), 1);
    await page.click('#push-submit');

    const repo = page.locator(`#catalog [data-repo="${REPO}"]`);
    await repo.waitFor();
    assert.equal(await page.locator('#catalog [data-repo]').count(), 1);
    const tag = repo.locator(`.tag[data-tag="${TAG}"]`);
    assert.equal(await tag.count(), 1);
    assert.equal(await page.locator('#pending-layers li').count(), 0, 'the pushed layers leave the list');

    const row = layer();
    assert.equal(await row.count(), 1);
    assert.equal((await row.locator('.digest').textContent()).trim(), layerDigest);
    assert.equal(await row.locator('.size').getAttribute('data-bytes'), String(FILE_BYTES));
    assert.match(await row.locator('.blob-title').textContent(), /^hello\.txt$/);

    const manifest = repo.locator('[data-digest]');
    assert.equal(await manifest.count(), 1);
    manifestDigest = await manifest.getAttribute('data-digest');
    manifestBytes = Number(await manifest.locator('.manifest-size').getAttribute('data-bytes'));
    const config = manifest.locator('[data-config]');
    configDigest = await config.getAttribute('data-config');
    configBytes = Number(await config.locator('.size').getAttribute('data-bytes'));
    assert.match(manifestDigest, /^sha256:[0-9a-f]{64}$/);
    assert.match(configDigest, /^sha256:[0-9a-f]{64}$/);

    // The manifest shown byte for byte hashes to its digest and names the layer and config.
    await manifest.locator('.show-manifest').click();
    const json = await manifest.locator('.manifest-json pre').textContent();
    const body = Buffer.from(json, 'utf8');
    assert.equal(sha256(body), manifestDigest);
    assert.equal(body.length, manifestBytes);
    const parsed = JSON.parse(json);
    assert.equal(parsed.config.digest, configDigest);
    assert.equal(parsed.config.size, configBytes);
    assert.equal(parsed.layers.length, 1);
    assert.equal(parsed.layers[0].digest, layerDigest);
    assert.equal(parsed.layers[0].size, FILE_BYTES);
    await manifest.locator('.show-manifest').click();

    // Storage billed and stored is exactly the layer, the config and the manifest.
    const total = FILE_BYTES + configBytes + manifestBytes;
    // The push sent all three at Standard's 20 MB/s: the clock moved by that time.
    assert.equal(await clockMs(), uploadMs(total));
    assert.match(await page.locator('#status').textContent(), literal(
      `as admin. Uploaded ${grouped(total)} bytes in ${grouped(uploadMs(total))} ms of virtual time at ` +
      "Standard's upload bandwidth of 20 MB/s."));
    assert.equal(await storageUsed(), total);
    assert.equal(await storageStored(), total);
    assert.equal(await page.locator('#events li .at').last().textContent(), '00:00:00.000');
    assert.equal(await page.locator('#storage-used').textContent(), human(total));
    assert.equal(await page.locator('#accounts tfoot td').first().textContent(), '3');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('02-pushed.png');
  });

  it('shows the config blob the page pushed, which hashes to its digest', async () => {
    const config = page.locator(`[data-config="${configDigest}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), config.locator('.pull-layer').click()]);
    const bytes = readFileSync(await download.path());
    assert.equal(sha256(bytes), configDigest);
    assert.equal(bytes.length, configBytes);
    assert.deepEqual(JSON.parse(bytes.toString('utf8')).rootfs.diff_ids, [layerDigest]);
  });

  it('shows the sealed form: ciphertext beside the first bytes of the file', async () => {
    const row = layer();
    await row.locator('.seal-layer').click();
    const sealed = row.locator('.sealed');
    await sealed.waitFor();
    const plainHex = await sealed.locator('.plain-head').getAttribute('data-hex');
    const cipherHex = await sealed.locator('.cipher-head').getAttribute('data-hex');
    assert.equal(plainHex, file.subarray(0, 32).toString('hex'));
    assert.equal((await sealed.locator('.plain-head .hex').textContent()).replace(/\s+/g, ''), plainHex);
    assert.match(cipherHex, /^[0-9a-f]{64}$/);
    assert.notEqual(cipherHex, plainHex);
    assert.equal(
      await sealed.locator('.seal-account').textContent(),
      await row.locator('.blob-meta .account').textContent(),
    );
    assert.ok((await sealed.locator('.key-id').textContent()).length > 0);
    assert.match(await sealed.locator('.plain-head .as-text').textContent(), /^Hello from Stowage!/);
    await row.scrollIntoViewIfNeeded();
    await shot('03-sealed.png');
  });

  it('pulls the layer as a download with the exact bytes, and verifies its digest', async () => {
    const row = layer();
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('.pull-layer').click()]);
    assert.equal(download.suggestedFilename(), FILE_NAME);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.length, FILE_BYTES);
    assert.ok(bytes.equals(file), 'the downloaded bytes equal the pushed file');

    await row.locator('.verify-layer').click();
    const result = row.locator('.verify-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('class'), 'verify-result ok');
    assert.match(await result.textContent(), new RegExp(`^digest matches ✓ ${layerDigest}`));
  });

  it('a flipped bit in storage makes pulls fail with INTEGRITY_ERROR until flipped back', async () => {
    const row = layer();
    const before = await storageUsed();
    await row.locator('.sealed .tamper-layer').click();
    await row.locator('.sealed .inline-error', { hasText: 'INTEGRITY_ERROR' }).waitFor();
    await row.locator('.verify-layer').click();
    await page.locator('#error', { hasText: 'INTEGRITY_ERROR' }).waitFor();
    assert.match(await row.locator('.verify-result').textContent(), /INTEGRITY_ERROR/);
    assert.equal(await storageUsed(), before);
    await row.scrollIntoViewIfNeeded();
    await shot('03b-tampered.png');
    // The mark follows time travel: in the past before the flip it is gone; back at the present
    // the record is flipped again, and the page says so.
    await page.evaluate(() => window.stowage.page().stepBack());
    await page.locator('#history[data-in-past="true"]').waitFor();
    assert.equal(await page.locator('.tamper-layer', { hasText: 'back' }).count(), 0);
    await page.evaluate(() => window.stowage.page().returnToPresent());
    await page.locator('#history[data-in-past="false"]').waitFor();
    await row.locator('.sealed .inline-error', { hasText: 'INTEGRITY_ERROR' }).waitFor();

    await row.locator('.tamper-layer', { hasText: 'back' }).click();
    await row.locator('.verify-layer').click();
    await row.locator('.verify-result.ok').waitFor();
    assert.equal(await page.locator('#error').count(), 0);
    assert.equal(await row.locator('.sealed .plain-head').getAttribute('data-hex'), file.subarray(0, 32).toString('hex'));
    await row.locator('.seal-layer').click();
  });

  it('deletes the manifest after a confirmation: billing stops at once, the space waits', async () => {
    const total = FILE_BYTES + configBytes + manifestBytes;
    // Only the push's upload has moved the clock; the delete happens then and takes no time.
    const t0 = uploadMs(total);
    assert.equal(await clockMs(), t0);
    const reclaimAt = clock(t0 + GC_DELAY_MS);
    const manifest = page.locator(`[data-digest="${manifestDigest}"]`);
    await manifest.locator('.delete-manifest').click();
    const dialog = page.locator('#confirm');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /cannot be undone/i);
    assert.match(await dialog.textContent(), new RegExp(manifestDigest));
    assert.match(await dialog.textContent(), /stops at once/);
    assert.match(await dialog.textContent(), literal(`10 minutes later, at ${reclaimAt}`));
    await shot('04a-confirm.png');

    // "No" changes nothing.
    await page.click('#confirm-no');
    assert.equal(await page.locator('#confirm').count(), 0);
    assert.equal(await page.locator(`#catalog [data-repo="${REPO}"]`).count(), 1);
    assert.equal(await storageUsed(), total);
    assert.equal(await gcJobs(), 0);

    await manifest.locator('.delete-manifest').click();
    await page.click('#confirm-yes');
    await page.locator(`#catalog [data-repo="${REPO}"]`).waitFor({ state: 'detached' });
    assert.equal(await page.locator('#catalog [data-repo]').count(), 0);

    // Billing stopped at once; the bytes are still held, three reclaims queued 10 minutes on.
    assert.equal(await storageUsed(), 0);
    assert.equal(await page.locator('#storage-used').textContent(), '0 B');
    assert.equal(await storageStored(), total);
    assert.match(await page.locator('#storage-stored').textContent(),
      new RegExp(`stored ${human(total)}, of which ${human(total)} awaiting garbage collection`));
    assert.equal(await gcJobs(), 3);
    const backlog = page.locator('#gc-backlog');
    assert.match(await backlog.textContent(), literal(`3 records wait for garbage collection; next at ${reclaimAt}`));
    const jobs = backlog.locator('.job');
    assert.equal(await jobs.count(), 3);
    for (const job of await jobs.all()) {
      assert.equal(await job.getAttribute('data-at-ms'), String(t0 + GC_DELAY_MS));
      assert.equal(await job.locator('.kind').textContent(), 'reclaim');
    }
    const layerHex = layerDigest.slice('sha256:'.length);
    assert.equal(await backlog.locator(`.job .target[title="blobs/sha256/${layerHex}"]`).count(), 1);
    assert.equal(await page.locator('#accounts tfoot td').nth(0).getAttribute('data-released'), '3');
    assert.equal(await page.locator('#accounts tfoot td').nth(1).getAttribute('data-bytes'), '0');
    assert.equal(await page.locator('#accounts tfoot td').nth(2).getAttribute('data-bytes'), String(total));

    const released = (await eventTexts()).filter((t) => t.includes('released in storage account'));
    assert.equal(released.length, 3, `three records released, got: ${released.join(' | ')}`);
    assert.ok(released.every((t) => t.includes('stops now') && t.includes(`reclaims the space at ${reclaimAt}`)));
    assert.ok(released.some((t) => t.includes(`blobs/sha256/${layerHex}`) && t.includes(`its ${FILE_BYTES} bytes`)));
    assert.ok(released.some((t) => t.includes(`its ${configBytes} bytes`)));
    assert.ok(released.some((t) => t.includes('manifests/sha256/') && t.includes(`its ${manifestBytes} bytes`)));
    assert.equal(await page.locator('#events li .at').last().textContent(), clock(t0));
    assert.equal(
      await page.locator('#events li .text', { hasText: `blobs/sha256/${layerHex.slice(0, 12)}… released` }).count(), 1);
    assert.match(await page.locator('#status').textContent(), literal(
      `Billing stops now for 3 records (${grouped(total)} bytes); garbage collection reclaims their space at ${reclaimAt}`));
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('04-deleted.png');
    await shotTop('07-gc-backlog.png');
    await page.locator('#events').scrollIntoViewIfNeeded();
    await shot('04b-events.png');
  });

  it('virtual time: a minute later the space is still held; running until idle reclaims it', async () => {
    const total = FILE_BYTES + configBytes + manifestBytes;
    const t0 = uploadMs(total);
    await pressClock('#advance-1m', clock(t0 + 60_000));
    assert.equal(await clockMs(), t0 + 60_000);
    assert.equal(await storageStored(), total, 'not yet: garbage collection is due 10 minutes after the delete');
    assert.equal(await storageUsed(), 0);
    assert.equal(await gcJobs(), 3);
    assert.match(await page.locator('#status').textContent(), literal(`forward 1 minute to ${clock(t0 + 60_000)}: no job was due`));

    const reclaimAt = clock(t0 + GC_DELAY_MS);
    await pressClock('#run-idle', reclaimAt);
    assert.equal(await clockMs(), t0 + GC_DELAY_MS, 'the clock stops at the last job: 10 minutes after the delete');
    assert.equal(await storageStored(), 0);
    assert.equal(await storageUsed(), 0);
    assert.equal(await gcJobs(), 0);
    assert.equal(await page.locator('#gc-backlog .job').count(), 0);
    assert.match(await page.locator('#gc-backlog').textContent(), /Nothing waits for garbage collection/);
    assert.equal(await page.locator('#accounts tfoot td').first().getAttribute('data-records'), '0');

    const reclaimed = (await eventTexts()).filter((t) => t.includes('reclaimed'));
    assert.equal(reclaimed.length, 3, `three records reclaimed, got: ${reclaimed.join(' | ')}`);
    const layerHex = layerDigest.slice('sha256:'.length);
    assert.ok(reclaimed.some((t) => t.includes(`blobs/sha256/${layerHex}`) && t.includes(`(${FILE_BYTES} bytes)`)));
    assert.ok(reclaimed.some((t) => t.includes(`(${configBytes} bytes)`)));
    assert.ok(reclaimed.some((t) => t.includes('manifests/sha256/') && t.includes(`(${manifestBytes} bytes)`)));
    const times = (await page.locator('#events li .at').allTextContents()).reverse();
    assert.deepEqual(times.slice(0, 3), [reclaimAt, reclaimAt, reclaimAt]);
    // The push also queued each record's copy to the paired region (geo-redundant storage,
    // 5 minutes after the write); those ran on the way.
    assert.match(await page.locator('#status').textContent(), literal(
      `the clock is now ${reclaimAt}: 6 jobs ran (3 geo-copies, 3 garbage-collection reclaims): ` +
      `garbage collection reclaimed 3 records (${grouped(total)} bytes).`));
    await shotTop('08-reclaimed.png');
  });

  it('refuses a bad repository name with NAME_INVALID and changes nothing', async () => {
    await page.fill('#synthetic-size', '1');
    await page.selectOption('#synthetic-unit', 'KiB');
    await page.click('#add-synthetic');
    const synthetic = page.locator('#pending-layers li[data-kind="synthetic"]');
    await synthetic.waitFor();
    assert.equal(await synthetic.locator('.size').textContent(), '1.0 KiB');
    const seq = await topEventSeq();

    await page.fill('#push-repo', 'Bad Name');
    await page.click('#push-submit');
    const error = page.locator('#error');
    await error.waitFor();
    assert.match(await error.textContent(), /NAME_INVALID/);
    assert.match(await error.textContent(), /HTTP 400/);
    assert.equal(await storageUsed(), 0);
    assert.equal(await storageStored(), 0);
    assert.equal(await page.locator('#catalog [data-repo]').count(), 0);
    assert.equal(await topEventSeq(), seq, 'no event was logged');
    assert.equal(await page.locator('#pending-layers li').count(), 1, 'the chosen layer stays for a retry');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('05-error.png');
  });

  it('untag frees nothing; a layer shared by two repositories is stored once', async () => {
    // Clear the refused push: take its layer out, then drop the file on the drop zone.
    await page.click('#error-dismiss');
    await page.locator('#pending-layers .remove-layer').click();
    assert.equal(await page.locator('#pending-layers li').count(), 0);
    await pushDropped(REPO, TAG);
    const total = FILE_BYTES + configBytes + manifestBytes;
    assert.equal(await storageUsed(), total);
    assert.equal(await storageStored(), total);
    await pushDropped('demo/other', 'v2');
    assert.equal(await storageUsed(), total, 'the same image in a second repository is stored once');
    assert.equal(await storageStored(), total);
    const other = page.locator('#catalog [data-repo="demo/other"]');
    assert.match(await other.locator(`[data-layer="${layerDigest}"] .shared`).textContent(), /also used by 1 other repository/);

    await other.locator('.tag[data-tag="v2"] .untag').click();
    assert.match(await page.locator('#confirm').textContent(), /frees no storage/);
    await page.keyboard.press('Escape');
    await page.locator('#confirm').waitFor({ state: 'detached' });
    await other.locator('.tag[data-tag="v2"] .untag').click();
    await page.click('#confirm-yes');
    await other.locator('.untagged').waitFor();
    assert.equal(await other.locator('.tag').count(), 0);
    assert.equal(await storageUsed(), total, 'untag frees nothing');

    await other.locator('.delete-repo').click();
    assert.match(await page.locator('#confirm').textContent(), /cannot be undone/i);
    assert.match(await page.locator('#confirm').textContent(), /Billing for the 0 B \(0 bytes\) no other repository holds stops at once/);
    await page.click('#confirm-yes');
    await other.waitFor({ state: 'detached' });
    assert.equal(await storageUsed(), total, 'demo/app still uses every record');
    assert.equal(await storageStored(), total);
    assert.equal(await gcJobs(), 0, 'nothing was released, so nothing waits for garbage collection');
    assert.match(await page.locator('#status').textContent(), /Billing stops now for 0 records \(0 bytes\)/);
  });

  it('pages the catalog 20 repositories at a time', async () => {
    await page.fill('#push-tag', 'v1');
    for (let i = 0; i < 20; i++) {
      await page.fill('#synthetic-size', '100');
      await page.selectOption('#synthetic-unit', 'B');
      await page.click('#add-synthetic');
      await page.fill('#push-repo', `page/r${String(i).padStart(2, '0')}`);
      await page.click('#push-submit');
      await page.locator('#status', { hasText: `page/r${String(i).padStart(2, '0')}:v1` }).waitFor();
    }
    // 21 repositories in name order: demo/app, then page/r00 … page/r19.
    assert.equal(await page.locator('#catalog [data-repo]').count(), 20);
    assert.equal(await page.locator('#catalog [data-repo]').first().getAttribute('data-repo'), REPO);
    await page.click('#catalog-next');
    await page.locator('#catalog .pager', { hasText: 'Page 2' }).waitFor();
    const second = await page.locator('#catalog [data-repo]').evaluateAll((els) => els.map((e) => e.dataset.repo));
    assert.deepEqual(second, ['page/r19']);
    assert.ok(await page.locator('#catalog-next').isDisabled());
    await page.screenshot({ path: join(SHOTS, '06-full-page.png'), fullPage: true });

    // Deleting the only repository on page 2 steps back to page 1. It releases its three
    // records (layer, config, manifest): billed drops now, stored when garbage collection runs.
    const billed = await storageUsed();
    assert.equal(await storageStored(), billed);
    // First let the pushes' geo-copies run, so the next job is the delete's reclaim.
    await page.click('#run-idle');
    await page.locator('#gc-backlog .backlog-also').waitFor({ state: 'detached' });
    const now = await clockMs();
    const reclaimAt = clock(now + GC_DELAY_MS);
    await page.locator('[data-repo="page/r19"] .delete-repo').click();
    assert.match(await page.locator('#confirm').textContent(), literal(`at ${reclaimAt} on the virtual clock`));
    await page.click('#confirm-yes');
    await page.locator('#catalog [data-repo="page/r19"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#catalog [data-repo]').count(), 20);
    assert.equal(await page.locator('#catalog .pager').count(), 0, 'one page: no pager');
    const status = await page.locator('#status').textContent();
    const m = status.match(new RegExp(
      `Billing stops now for 3 records \\(([\\d,]+) bytes\\); garbage collection reclaims their space at ${reclaimAt.replaceAll('.', '\\.')}`));
    assert.ok(m, status);
    const releasedBytes = Number(m[1].replaceAll(',', ''));
    assert.ok(releasedBytes > 100, 'the 100-byte layer, its config and its manifest');
    assert.equal(await storageUsed(), billed - releasedBytes);
    assert.equal(await storageStored(), billed, 'still held until garbage collection runs');
    assert.equal(await gcJobs(), 3);

    // "Next job" runs one reclaim at its time; "+10 min" runs the rest on the way.
    await pressClock('#step-job', reclaimAt);
    assert.equal(await gcJobs(), 2);
    assert.match(await page.locator('#status').textContent(),
      literal(`Ran the next job: the clock jumped to ${reclaimAt}, and garbage collection reclaimed`));
    const afterOne = await storageStored();
    assert.ok(afterOne < billed && afterOne > billed - releasedBytes, 'one of three records reclaimed');
    const later = clock(now + 2 * GC_DELAY_MS);
    await pressClock('#advance-10m', later);
    assert.equal(await gcJobs(), 0);
    assert.equal(await storageStored(), billed - releasedBytes);
    assert.match(await page.locator('#status').textContent(),
      literal(`forward 10 minutes to ${later}: 2 garbage-collection jobs ran and reclaimed 2 records`));
  });

  it('a record pushed again before garbage collection is stored again, and its reclaim skips it', async () => {
    const billed = await storageUsed();
    const total = FILE_BYTES + configBytes + manifestBytes;
    const now = await clockMs();
    await page.locator(`[data-repo="${REPO}"] .delete-repo`).click();
    await page.click('#confirm-yes');
    await page.locator(`#catalog [data-repo="${REPO}"]`).waitFor({ state: 'detached' });
    assert.equal(await storageUsed(), billed - total);
    assert.equal(await storageStored(), billed);
    assert.equal(await gcJobs(), 3);
    assert.match(await page.locator('#gc-backlog').textContent(), literal(`next at ${clock(now + GC_DELAY_MS)}`));

    // The same content again, a minute later: billed again, and held once.
    await pressClock('#advance-1m', clock(now + 60_000));
    await pushDropped(REPO, TAG);
    assert.equal(await storageUsed(), billed);
    assert.equal(await storageStored(), billed);
    assert.equal(await gcJobs(), 3, 'the reclaims stay queued');

    const reclaimedBefore = (await eventTexts()).filter((t) => t.includes('reclaimed')).length;
    await pressClock('#run-idle', clock(now + GC_DELAY_MS));
    assert.equal(await gcJobs(), 0);
    assert.equal(await storageUsed(), billed);
    assert.equal(await storageStored(), billed, 'nothing reclaimed: the records are in use again');
    assert.match(await page.locator('#status').textContent(), literal(
      '6 jobs ran (3 geo-copies, 3 garbage-collection reclaims): the records to reclaim had been pushed again, so nothing was reclaimed.'));
    const reclaimedAfter = (await eventTexts()).filter((t) => t.includes('reclaimed')).length;
    assert.equal(reclaimedAfter, reclaimedBefore, 'no record was reclaimed');
    const row = layer();
    await row.locator('.verify-layer').click();
    await row.locator('.verify-result.ok').waitFor();
  });

  it('locks: a write-locked tag refuses untag and delete with 405 until unlocked; hidden stays on the page', async () => {
    const LOCKED = 'locks/app';
    const ATTRS = ['write', 'delete', 'read', 'list'];
    const help = await page.locator('#locks-help').textContent();
    for (const a of ATTRS) assert.match(help, new RegExp(`${a} off: `), `the help says what ${a} does`);
    assert.match(help, /Tag and manifest locks are independent/);
    assert.match(help, /HTTP 405 REGISTRY_DISALLOWED_OPERATION/);

    await page.fill('#synthetic-size', '2');
    await page.selectOption('#synthetic-unit', 'KiB');
    await page.click('#add-synthetic');
    await page.locator('#pending-layers li[data-kind="synthetic"]').waitFor();
    await page.fill('#push-repo', LOCKED);
    await page.fill('#push-tag', 'v1');
    await page.click('#push-submit');
    const repo = page.locator(`#catalog [data-repo="${LOCKED}"]`);
    const tag = repo.locator('.tag[data-tag="v1"]');
    await tag.waitFor();
    const manifest = repo.locator('[data-digest]');
    assert.equal(await manifest.count(), 1);
    // Nothing locked yet: no badges, and the switches wait behind their "Locks" disclosures.
    assert.equal(await repo.locator('.lock-badge, .hidden-badge').count(), 0);
    assert.equal(await repo.locator('.locks, [data-attr]').count(), 0);

    // Lock the tag against writes with its toggle.
    const tagLocks = tag.locator('.locks[data-scope="tag"]');
    await tag.locator('.locks-toggle').click();
    await tagLocks.waitFor();
    assert.equal(await tag.locator('.locks-toggle').getAttribute('aria-expanded'), 'true');
    for (const a of ATTRS) {
      const toggle = tagLocks.locator(`[data-attr="${a}"]`);
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true', `${a} starts enabled`);
      assert.match(await toggle.getAttribute('title'), /Enabled is on\. Off: .+ Click to lock it\.$/);
    }
    await tagLocks.locator('[data-attr="write"]').click();
    await tagLocks.locator('[data-attr="write"][aria-pressed="false"]').waitFor();
    assert.equal(await page.locator('#status').textContent(),
      `Locked ${LOCKED}:v1 against writes: it can't be pushed over, untagged or deleted until unlocked.`);
    assert.equal(await tag.locator('.lock-badge').count(), 1);
    assert.match(await tag.locator('.lock-badge').getAttribute('title'), /writeEnabled=false/);
    assert.match(await tagLocks.locator('[data-attr="write"]').getAttribute('title'), /^writeEnabled is off\..+Click to unlock it\.$/);
    assert.match(await page.locator('#events li .text').last().getAttribute('title'),
      /^attributes of locks\/app:v1 set: write off, delete on, read on, list on$/);

    // The manifest's own locks are independent of its tag's: all still on, no badge.
    await manifest.locator('.manifest-actions .locks-toggle', { hasText: 'Manifest locks' }).click();
    const manifestLocks = manifest.locator('.locks[data-scope="manifest"]');
    await manifestLocks.waitFor();
    for (const a of ATTRS) {
      assert.equal(await manifestLocks.locator(`[data-attr="${a}"]`).getAttribute('aria-pressed'), 'true');
    }
    assert.equal(await manifest.locator('.manifest-actions .lock-badge').count(), 0);
    await repo.scrollIntoViewIfNeeded();
    await repo.screenshot({ path: join(SHOTS, '09-locked.png') });

    // Untag, confirmed: refused with 405, nothing changes.
    const seq = await topEventSeq();
    const billed = await storageUsed();
    await tag.locator('.untag').click();
    await page.click('#confirm-yes');
    const error = page.locator('#error');
    await error.waitFor();
    assert.match(await error.textContent(), /REGISTRY_DISALLOWED_OPERATION/);
    assert.match(await error.textContent(), /HTTP 405/);
    assert.match(await error.textContent(),
      /The operation is disallowed on this registry, repository or image: tag locks\/app:v1 is locked/);
    assert.equal(await tag.count(), 1, 'the tag is still there');
    assert.equal(await topEventSeq(), seq, 'no event was logged');
    assert.equal(await page.locator('#confirm').count(), 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    const banner = await error.boundingBox();
    await shot('10-refused.png', { clip: { x: 0, y: 0, width: 1280, height: Math.ceil(banner.y + banner.height + 12) } });

    // Delete the manifest, confirmed: the locked tag would go with it, so it is refused too.
    await page.click('#error-dismiss');
    await manifest.locator('.delete-manifest').click();
    await page.click('#confirm-yes');
    await error.waitFor();
    assert.match(await error.textContent(), /REGISTRY_DISALLOWED_OPERATION/);
    assert.match(await error.textContent(), /HTTP 405/);
    assert.match(await error.textContent(), /tag locks\/app:v1 is locked \(write off/);
    assert.equal(await manifest.count(), 1, 'the manifest is still there');
    assert.equal(await tag.count(), 1);
    assert.equal(await storageUsed(), billed);
    assert.equal(await topEventSeq(), seq);

    // Unlock: the error goes, the badge goes, and untag works.
    await tagLocks.locator('[data-attr="write"]').click();
    await tagLocks.locator('[data-attr="write"][aria-pressed="true"]').waitFor();
    assert.equal(await error.count(), 0);
    assert.equal(await page.locator('#status').textContent(),
      `Unlocked ${LOCKED}:v1 for writes: its own write lock no longer refuses anything. It has no locks of its own left.`);
    assert.equal(await tag.locator('.lock-badge').count(), 0);
    await tag.locator('.untag').click();
    await page.click('#confirm-yes');
    await manifest.locator('.untagged').waitFor();
    assert.equal(await repo.locator('.tag').count(), 0);
    assert.match(await page.locator('#status').textContent(), /^Untagged locks\/app:v1\./);

    // Hide the repository from listings: the owner's catalog keeps it, marked hidden.
    await repo.locator('.repo-head .locks-toggle').click();
    const repoLocks = repo.locator('.locks[data-scope="repository"]');
    await repoLocks.locator('[data-attr="list"]').click();
    await repoLocks.locator('[data-attr="list"][aria-pressed="false"]').waitFor();
    const badge = repo.locator('.repo-head .hidden-badge');
    assert.equal(await badge.textContent(), 'hidden from listings');
    assert.equal(await repo.getAttribute('data-hidden'), 'true');
    assert.equal(await repo.locator('.repo-head .lock-badge').count(), 0, 'hidden is not locked');
    const names = await page.locator('#catalog [data-repo]').evaluateAll((els) => els.map((e) => e.dataset.repo));
    assert.deepEqual(names.slice(0, 2), [REPO, LOCKED], 'still listed on the page, in name order');
    assert.match(await page.locator('#status').textContent(),
      /^Repository locks\/app is now hidden from listings: the catalog leaves it out, but pulls by name still work\./);

    // And back.
    await repoLocks.locator('[data-attr="list"]').click();
    await repoLocks.locator('[data-attr="list"][aria-pressed="true"]').waitFor();
    assert.equal(await repo.locator('.hidden-badge').count(), 0);
    assert.equal(await repo.getAttribute('data-hidden'), 'false');
    assert.match(await page.locator('#status').textContent(), /^Repository locks\/app is listed again: the catalog shows it\./);
    assert.equal(await page.locator('#error').count(), 0);
  });

  it('tiers: the badge and the daily cost follow the tier and the billed storage, to the micro-dollar', async () => {
    // A fresh page: a new registry on Standard, nothing billed.
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    fresh.setDefaultTimeout(20_000);
    fresh.on('pageerror', (e) => pageErrors.push(`tier page: ${e}`));
    fresh.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) pageErrors.push(`tier page: ${m.text()}`);
    });
    try {
      await fresh.goto(page.url());
      const GIB = 2 ** 30;
      const badge = fresh.locator('#tier-badge');
      const cost = async () => Number(await fresh.locator('#cost-per-day').getAttribute('data-micro-usd'));
      const billed = async () => Number(await fresh.locator('#storage-used').getAttribute('data-bytes'));
      const pressed = () => fresh.locator('#tier-panel button.tier-choice[aria-pressed="true"]').getAttribute('data-tier');
      const choose = async (tier) => {
        await fresh.click(`#tier-panel button.tier-choice[data-tier="${tier}"]`);
        await fresh.locator(`#tier-badge[data-tier="${tier}"]`).waitFor();
      };

      await badge.waitFor();
      assert.equal(await badge.textContent(), 'Standard');
      assert.equal(await cost(), 667_000);
      assert.equal(await fresh.locator('#cost-per-day').textContent(), '$0.667/day');
      assert.equal(await pressed(), 'Standard');
      assert.equal(await fresh.locator('#tier-panel button.tier-choice').count(), 3);
      for (const [tier, text] of [['Basic', /\$0\.167\/day.*10 GiB included.*limit 40 TiB/],
        ['Standard', /\$0\.667\/day.*100 GiB included.*limit 40 TiB/],
        ['Premium', /\$1\.667\/day.*500 GiB included.*limit 100 TiB/]]) {
        const button = fresh.locator(`button.tier-choice[data-tier="${tier}"]`);
        assert.match(await button.textContent(), text);
        assert.ok((await button.getAttribute('title')).length > 20, `${tier} says what it does`);
      }
      assert.equal(await fresh.locator('#storage-era').getAttribute('data-era'), '2026');
      assert.match(await fresh.locator('#storage-era').textContent(), /5 TB \(2018\) → 20 TiB \(2022\) → 40 TiB \(2024\)/);
      assert.match(await fresh.locator('#cost-breakdown').textContent(), /ACR SKU page list prices/);
      assert.match(await fresh.locator('#cost-breakdown').textContent(),
        /request-rate limits and the bandwidth.*Premium alone has customer-managed keys/);

      // Down to Basic: no downtime, an event, the fee drops.
      await choose('Basic');
      assert.equal(await badge.textContent(), 'Basic');
      assert.equal(await cost(), 167_000);
      assert.equal(await pressed(), 'Basic');
      assert.match(await fresh.locator('#status').textContent(), /^Moved to Basic with no downtime: /);
      const events = await fresh.locator('#events li .text').evaluateAll((els) => els.map((e) => e.title).reverse());
      assert.match(events[0], /tier changed from Standard to Basic/);
      const gauge = fresh.locator('#storage-gauge');
      assert.equal(await gauge.getAttribute('data-included'), String(10 * GIB));
      assert.equal(await gauge.getAttribute('data-limit'), String(40 * 2 ** 40));

      // 25 GiB on Basic: 10 GiB included, the rest at $0.003 per GiB per day, pro rata, rounded down.
      await fresh.fill('#synthetic-size', '25');
      await fresh.selectOption('#synthetic-unit', 'GiB');
      await fresh.click('#add-synthetic');
      await fresh.locator('#pending-layers li[data-kind="synthetic"]').waitFor();
      await fresh.click('#push-submit');
      await fresh.locator('#catalog [data-repo] .tag').first().waitFor();
      const bytes = await billed();
      assert.ok(bytes > 25 * GIB && bytes < 25 * GIB + 4096, `billed ${bytes}: the layer, a config and a manifest`);
      const expected = 167_000 + Math.floor(((bytes - 10 * GIB) * 3000) / GIB);
      assert.equal(await cost(), expected);
      assert.equal(await gauge.getAttribute('data-billed'), String(bytes));
      const breakdown = fresh.locator('#cost-breakdown');
      assert.equal(await breakdown.getAttribute('data-total'), String(expected));
      assert.equal(await breakdown.getAttribute('data-fee'), '167000');
      assert.match(await breakdown.textContent(), /Basic tier fee\$0\.1670/);
      assert.match(await breakdown.textContent(), /= total per day\$0\.2120/);
      assert.match(await gauge.textContent(), /25\.0 GiB billed: 15\.0 GiB over the 10 GiB included/);
      assert.match(await gauge.textContent(), /0\.06% of the 40 TiB limit/);
      const panel = fresh.locator('#tier-panel');
      await panel.scrollIntoViewIfNeeded();
      await panel.screenshot({ path: join(SHOTS, '11-tier.png') });

      // Up to Premium: 25 GiB is within the 500 GiB included, so only the fee.
      await choose('Premium');
      assert.equal(await cost(), 1_667_000);
      assert.equal(await fresh.locator('#cost-per-day').textContent(), '$1.667/day');
      assert.equal(await pressed(), 'Premium');
      assert.equal(await gauge.getAttribute('data-limit'), String(100 * 2 ** 40));
      // The current tier again: nothing to do, no event.
      const seq = Number(await fresh.locator('#events li').last().getAttribute('data-seq'));
      await fresh.click('#tier-panel button.tier-choice[data-tier="Premium"]');
      await fresh.locator('#status', { hasText: 'already on Premium' }).waitFor();
      assert.equal(Number(await fresh.locator('#events li').last().getAttribute('data-seq')), seq);
      assert.equal(await fresh.locator('#error').count(), 0);
    } finally {
      await fresh.close();
    }
  });

  // ---- a registry of one's own: new registries, keys, retention, request rates, bandwidth ----

  /** A page of its own over the served bundle, its errors collected like the main page's. */
  const openPage = async (label) => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    p.setDefaultTimeout(20_000);
    p.on('pageerror', (e) => pageErrors.push(`${label}: ${e}`));
    p.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) pageErrors.push(`${label}: ${m.text()}`);
    });
    await p.goto(page.url());
    await p.locator('#registry-name').waitFor();
    // Changes wait until the saved session is restored (ui::session_busy).
    await p.locator('.page[data-session="ready"]').waitFor({ state: 'attached' });
    return p;
  };
  /** Fills in the "New registry" dialog; `create` presses its button. */
  const fillNewRegistry = async (p, { name, tier = 'Standard', rate = '2026', key = 'none', seed = '1', region = 'westeurope', era = '2026' }) => {
    await p.click('#new-registry');
    await p.locator('#new-registry-dialog').waitFor();
    await p.fill('#new-name', name);
    await p.selectOption('#new-tier', tier);
    await p.selectOption('#new-rate-model', rate);
    await p.selectOption('#new-key', key);
    await p.fill('#new-seed', seed);
    await p.selectOption('#new-region', region);
    await p.selectOption('#new-era', era);
  };
  /** Replaces the page's registry through the dialog and waits for the new one. */
  const newRegistry = async (p, options) => {
    await fillNewRegistry(p, options);
    await p.click('#new-registry-create');
    await p.locator('#new-registry-dialog').waitFor({ state: 'detached' });
    await p.locator('#registry-name', { hasText: options.name }).waitFor();
    assert.equal(await p.locator('#registry-name').textContent(), options.name);
  };
  /** Pushes the test file as repo:tag (optionally as another identity) and returns the image's sizes. */
  const pushFile = async (p, repo, tag, identity = '') => {
    await p.setInputFiles('#push-files', { name: FILE_NAME, mimeType: 'text/plain', buffer: file });
    await p.locator('#pending-layers li', { hasText: FILE_NAME }).waitFor();
    await p.fill('#push-repo', repo);
    await p.fill('#push-tag', tag);
    await p.fill('#push-identity', identity);
    await p.click('#push-submit');
    await p.locator(`#catalog [data-repo="${repo}"] .tag[data-tag="${tag}"]`).waitFor();
    const manifest = p.locator(`#catalog [data-repo="${repo}"] .manifest`, { has: p.locator(`.tag[data-tag="${tag}"]`) });
    return {
      digest: await manifest.getAttribute('data-digest'),
      manifest: Number(await manifest.locator('.manifest-size').getAttribute('data-bytes')),
      config: Number(await manifest.locator('[data-config] .size').getAttribute('data-bytes')),
    };
  };
  /** Pushes one synthetic layer of `size` `unit` as repo:tag. */
  const pushSynthetic = async (p, repo, tag, size, unit) => {
    await p.fill('#synthetic-size', String(size));
    await p.selectOption('#synthetic-unit', unit);
    await p.click('#add-synthetic');
    await p.locator('#pending-layers li[data-kind="synthetic"]').waitFor();
    await p.fill('#push-repo', repo);
    await p.fill('#push-tag', tag);
    await p.click('#push-submit');
    await p.locator(`#catalog [data-repo="${repo}"] .tag[data-tag="${tag}"]`).waitFor();
    return p.locator(`#catalog [data-repo="${repo}"] .manifest`, { has: p.locator(`.tag[data-tag="${tag}"]`) })
      .getAttribute('data-digest');
  };
  const clockOf = async (p) => Number(await p.locator('#clock-now').getAttribute('data-ms'));
  const statusOf = (p) => p.locator('#status').textContent();
  const storageUsedOf = async (p) => Number(await p.locator('#storage-used').getAttribute('data-bytes'));
  /** A digest as the engine shortens it: `sha256:` and 12 hex digits. */
  const shortDigest = (d) => d.slice(0, 'sha256:'.length + 12);

  describe('storage limits of another year', () => {
    let p;
    before(async () => { p = await openPage('era page'); });
    after(async () => { await p?.close(); });

    it('a Basic registry created with the 2018 limits has a 5 TB storage limit', async () => {
      await newRegistry(p, { name: 'erademo', tier: 'Basic', era: '2018' });
      await p.locator('#storage-era[data-era="2018"]').waitFor();
      assert.match(await p.locator('#storage-era').textContent(), /Limits as published in 2018: 5 TB \/ 5 TB \/ 5 TB/);
      assert.equal(await p.locator('#storage-gauge').getAttribute('data-limit'), '5000000000000');
      assert.deepEqual(await p.locator('#new-era option').count(), 0, 'the dialog closed');
    });
  });

  describe('a customer-managed key', () => {
    let p;
    const NAME = 'cmkdemo';
    before(async () => { p = await openPage('key page'); });
    after(async () => { await p?.close(); });

    it('the New registry dialog refuses a customer-managed key below Premium with the engine\'s 405, and keeps the registry', async () => {
      await fillNewRegistry(p, { name: NAME, tier: 'Standard', key: 'automatic' });
      const dialog = p.locator('#new-registry-dialog');
      assert.match(await dialog.textContent(), /The current registry, stowage, and everything in it is discarded/);
      assert.match(await dialog.locator('#new-key + small').textContent(), /Only a Premium registry can have a customer-managed key/);
      assert.deepEqual(await p.locator('#new-rate-model option').allTextContents(),
        ['2026 token buckets', '2019 per-minute limits', 'no limits (not an ACR model)']);
      await p.click('#new-registry-create');
      const error = p.locator('#new-registry-error');
      await error.waitFor();
      assert.equal(await error.locator('.code').textContent(), 'REGISTRY_DISALLOWED_OPERATION');
      assert.equal(await error.locator('.http').textContent(), 'HTTP 405');
      assert.match(await error.textContent(),
        /a customer-managed key is a Premium feature; this registry is Standard\. Upgrade to Premium to use it/);
      await dialog.screenshot({ path: join(SHOTS, '12-new-registry-refused.png') });
      assert.equal(await p.locator('#registry-name').textContent(), 'stowage', 'the current registry stays');

      // A name the engine refuses: its INVALID_ARGUMENT 400, in the dialog.
      await p.fill('#new-name', 'Bad');
      await p.click('#new-registry-create');
      await error.locator('.code', { hasText: 'INVALID_ARGUMENT' }).waitFor();
      assert.equal(await error.locator('.http').textContent(), 'HTTP 400');
      assert.match(await error.textContent(), /must be 5 to 50 lowercase letters and digits/);
      await p.click('#new-registry-cancel');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await p.locator('#registry-name').textContent(), 'stowage');
    });

    it('creates a Premium registry with a customer-managed key: the key vault shows version 1 wrapping every record', async () => {
      await newRegistry(p, { name: NAME, tier: 'Premium', key: 'automatic', seed: '7' });
      assert.equal(await p.locator('#tier-badge').textContent(), 'Premium');
      assert.equal(await p.locator('#key-badge').textContent(), 'key enabled');
      assert.equal(await clockOf(p), 0, 'a new registry starts at 0');
      assert.match(await statusOf(p), /^Created registry cmkdemo: Premium in westeurope, the 2026 token buckets, a customer-managed key with automatic rotation, seed 7\. The previous registry and everything in it were discarded\.$/);
      const vault = p.locator('#key-vault');
      assert.equal(await vault.getAttribute('data-kind'), 'customer-managed');
      assert.equal(await p.locator('#key-state').textContent(), 'enabled');
      assert.equal(await p.locator('#key-rotation').textContent(), 'automatic: a new version is adopted within an hour');

      const sizes = await pushFile(p, REPO, TAG);
      const total = FILE_BYTES + sizes.config + sizes.manifest;
      assert.equal(await clockOf(p), uploadMs(total, 'Premium'));
      const v1 = p.locator('#key-versions tbody[data-version="1"]');
      assert.equal(await v1.getAttribute('data-records'), '3', 'layer, config and manifest');
      assert.equal(await v1.getAttribute('data-wrapped'), '3');
      assert.equal(await v1.getAttribute('data-bytes'), String(total));
      assert.equal(await v1.getAttribute('data-in-use'), 'true');
      assert.equal(await v1.locator('.key-id').textContent(), 'customer-vault/keys/registry-cmk/1');
    });

    it('access revoked: no key material in the registry, and pulls and pushes answer DENIED 403', async () => {
      // Revoking asks first, and says what stops working and that nothing is lost.
      await p.click('#key-revoke');
      await p.locator('#confirm').waitFor();
      assert.equal(await p.locator('#confirm-title').textContent(), "Revoke the registry's access to its key?");
      assert.deepEqual(await p.locator('#confirm p').allTextContents(), [
        "The registry's identity loses its get, wrapKey and unwrapKey access: it can no longer unwrap the data keys that seal its records.",
        'What stops working: every push and pull answers 403 DENIED, and none of the 3 records the key wraps can be read, until the key is restored.',
        'Nothing is lost: the key material stays in your vault (this page keeps it, across reloads), and Restore gives it back.',
      ]);
      assert.equal(await p.locator('#confirm-yes').textContent(), 'Revoke access');
      await p.click('#confirm-yes');
      await p.locator('#key-state', { hasText: 'access revoked' }).waitFor();
      const vault = p.locator('#key-vault');
      assert.equal(await vault.getAttribute('data-holds-key'), 'false');
      assert.equal(await p.locator('#key-material').textContent(), 'none: the registry holds no key material at all');
      assert.equal(await p.locator('#key-badge').textContent(), 'key access revoked');
      assert.match(await p.locator('#key-client-sees').textContent(),
        /DENIED: the registry's customer-managed key customer-vault\/keys\/registry-cmk is access revoked/);
      // The material left the registry: the page keeps it as the customer's vault does, 22
      // characters of prefix and 64 hex digits for the one version.
      const backup = p.locator('#key-backup');
      assert.equal(await backup.getAttribute('data-chars'), String('stowage-key-backup-v1:'.length + 64));
      assert.match(await backup.textContent(), /held in your key vault, outside the registry: 86 characters/);
      for (const id of ['#key-add-version', '#key-rotate', '#key-disable', '#key-delete', '#key-revoke']) {
        assert.ok(await p.locator(id).isDisabled(), `${id} waits for the key`);
      }
      assert.ok(await p.locator('#key-restore').isEnabled());
      assert.match((await p.locator('#events li .text').last().getAttribute('title')),
        /customer-managed key access revoked: the registry's key material is gone/);

      // Download: refused, no bytes.
      const row = p.locator(`[data-repo="${REPO}"] [data-layer="${layerDigest}"]`);
      await row.locator('.pull-layer').click();
      const error = p.locator('#error');
      await error.locator('.code', { hasText: 'DENIED' }).waitFor();
      assert.match(await error.textContent(), /HTTP 403/);
      // Verify: the same, in the layer's row.
      await row.locator('.verify-layer').click();
      await row.locator('.verify-result .code', { hasText: 'DENIED' }).waitFor();
      assert.equal(await row.locator('.verify-result .http').textContent(), 'HTTP 403');
      // Push: refused whole.
      const seq = Number(await p.locator('#events li').last().getAttribute('data-seq'));
      await p.fill('#synthetic-size', '1');
      await p.selectOption('#synthetic-unit', 'KiB');
      await p.click('#add-synthetic');
      await p.fill('#push-tag', 'v2');
      await p.click('#push-submit');
      await error.locator('.code', { hasText: 'DENIED' }).waitFor();
      assert.match(await error.textContent(), /HTTP 403/);
      assert.match(await error.textContent(), /every push and pull is refused until access to the key is restored/);
      assert.equal(Number(await p.locator('#events li').last().getAttribute('data-seq')), seq, 'nothing was logged');
      assert.equal(await p.locator(`[data-repo="${REPO}"] .tag[data-tag="v2"]`).count(), 0);
      await p.evaluate(() => window.scrollTo(0, 0));
      const banner = await error.boundingBox();
      await p.screenshot({ path: join(SHOTS, '13-key-revoked-denied.png'),
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(banner.y + banner.height + 12) } });
      await p.locator('#key-vault').scrollIntoViewIfNeeded();
      await p.locator('#key-vault').screenshot({ path: join(SHOTS, '13b-key-revoked-panel.png') });
    });

    it('restore: the key material goes back, and the layer pulls with the exact bytes', async () => {
      await p.click('#key-restore');
      await p.locator('#key-state', { hasText: 'enabled' }).waitFor();
      assert.equal(await p.locator('#key-vault').getAttribute('data-holds-key'), 'true');
      assert.equal(await p.locator('#key-backup').count(), 0, 'the vault gave it back');
      assert.equal(await p.locator('#key-client-sees').count(), 0);
      assert.equal(await p.locator('#key-badge').textContent(), 'key enabled');
      assert.match(await statusOf(p), /Access to the key is restored.*Nothing was lost: all 3 records it wraps can be read\./);
      const row = p.locator(`[data-repo="${REPO}"] [data-layer="${layerDigest}"]`);
      const [download] = await Promise.all([p.waitForEvent('download'), row.locator('.pull-layer').click()]);
      assert.ok(readFileSync(await download.path()).equals(file), 'the downloaded bytes equal the pushed file');
      await row.locator('.verify-layer').click();
      await row.locator('.verify-result.ok').waitFor();
      // The pending synthetic layer from the refused push goes through now.
      await p.click('#push-submit');
      await p.locator(`[data-repo="${REPO}"] .tag[data-tag="v2"]`).waitFor();
      assert.equal(await p.locator('#key-versions tbody[data-version="1"]').getAttribute('data-records'), '6');
      await p.locator('#key-vault').scrollIntoViewIfNeeded();
      await p.locator('#key-vault').screenshot({ path: join(SHOTS, '14-key-restored.png') });
    });

    it('a new key version is adopted by automatic rotation at the time the engine drew', async () => {
      await p.click('#key-add-version');
      const pending = p.locator('#key-pending');
      await pending.waitFor();
      const at = (await pending.textContent()).match(/^version 2 is adopted at (\S+)$/)[1];
      assert.match(await statusOf(p), new RegExp(`Created key version 2 in your key vault\\. Automatic rotation adopts version 2 at ${at.replaceAll('.', '\\.')}`));
      assert.equal(await p.locator('#key-versions tbody[data-version="1"]').getAttribute('data-in-use'), 'true');
      assert.match(await p.locator('#gc-backlog .backlog-also').textContent(), literal(`1 key-version adoption (next at ${at})`));
      // Run everything queued (the adoption, and the pushes' geo-copies).
      await p.click('#run-idle');
      await p.locator('#key-versions tbody[data-version="2"][data-in-use="true"]').waitFor();
      assert.equal(await p.locator('#key-pending').count(), 0);
      assert.match(await statusOf(p), literal(
        'automatic rotation: new data keys are wrapped with customer-vault/keys/registry-cmk/2 (was customer-vault/keys/registry-cmk/1)'));
      const rotated = p.locator('#events li', { has: p.locator('.text[title^="automatic rotation"]') });
      assert.equal(await rotated.locator('.at').textContent(), at, 'adopted at the drawn time');
      assert.equal(await p.locator('#key-versions tbody[data-version="1"]').getAttribute('data-records'), '6', 'old records keep their version');
    });

    it('a downgrade of a registry with a customer-managed key is refused with 405 and the reason', async () => {
      const seq = Number(await p.locator('#events li').last().getAttribute('data-seq'));
      await p.click('#tier-panel button.tier-choice[data-tier="Standard"]');
      const error = p.locator('#error');
      await error.waitFor();
      assert.equal(await error.locator('.code').textContent(), 'REGISTRY_DISALLOWED_OPERATION');
      assert.match(await error.textContent(), /HTTP 405/);
      assert.match(await error.textContent(),
        /cannot move to Standard: a customer-managed key is in use \(it can never be turned off\); Standard does not have this Premium feature/);
      assert.equal(await p.locator('#tier-badge').textContent(), 'Premium');
      assert.equal(Number(await p.locator('#events li').last().getAttribute('data-seq')), seq);
    });
  });

  describe('the retention policy', () => {
    let p;
    const RET = 'ret/app';
    before(async () => { p = await openPage('retention page'); });
    after(async () => { await p?.close(); });

    it('is refused below Premium with the engine\'s 405, in its panel', async () => {
      await p.click('#retention-enabled');
      await p.fill('#retention-days', '0');
      await p.click('#retention-apply');
      const error = p.locator('#retention-error');
      await error.waitFor();
      assert.equal(await error.locator('.code').textContent(), 'REGISTRY_DISALLOWED_OPERATION');
      assert.equal(await error.locator('.http').textContent(), 'HTTP 405');
      assert.match(await error.textContent(),
        /the retention policy for untagged manifests is a Premium feature; this registry is Standard/);
      assert.equal(await p.locator('#retention').getAttribute('data-enabled'), 'false');
    });

    it('deletes a manifest untagged after it was enabled, 5 s after the untag with 0 days; one untagged before stays', async () => {
      await newRegistry(p, { name: 'retentiondemo', tier: 'Premium' });
      assert.equal(await p.locator('#retention-error').count(), 0, 'the new registry starts afresh');
      assert.equal(await p.locator('#retention-days').inputValue(), '7', "ACR's default period is offered");
      const untag = async (tag) => {
        await p.locator(`[data-repo="${RET}"] .tag[data-tag="${tag}"] .untag`).click();
        await p.click('#confirm-yes');
        await p.locator(`[data-repo="${RET}"] .tag[data-tag="${tag}"]`).waitFor({ state: 'detached' });
      };
      // Untagged before the policy is enabled: never touched.
      const before = await pushSynthetic(p, RET, 'v0', 1, 'KiB');
      await untag('v0');

      await p.click('#retention-enabled');
      await p.fill('#retention-days', '0');
      await p.click('#retention-apply');
      await p.locator('#retention[data-enabled="true"][data-days="0"]').waitFor();
      assert.match(await statusOf(p), /^Retention policy on: manifests untagged from now on are deleted a few seconds \(5 s here\) after they lose their last tag\./);
      assert.match(await p.locator('#retention').textContent(),
        /applies only to manifests untagged after it is enabled; locked manifests are skipped/);

      const gone = await pushSynthetic(p, RET, 'v1', 2, 'KiB');
      const kept = await pushSynthetic(p, RET, 'v2', 3, 'KiB');
      assert.equal(new Set([before, gone, kept]).size, 3, 'three different manifests');
      await untag('v1');
      const untaggedAt = await clockOf(p);
      const queue = p.locator('#retention-queue li');
      assert.equal(await queue.count(), 1);
      assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '1');
      assert.equal(await queue.first().getAttribute('data-digest'), gone);
      assert.equal(await queue.first().getAttribute('data-due-ms'), String(untaggedAt + 5000));
      assert.equal(await queue.first().locator('.manifest-ref').textContent(), `${RET}@${shortDigest(gone)}`);
      assert.equal(await queue.first().locator('.times').textContent(),
        `untagged ${clock(untaggedAt)} → deleted ${clock(untaggedAt + 5000)}`);
      assert.match(await p.locator('#gc-backlog .backlog-also').textContent(),
        literal(`Also queued: 1 retention delete (next at ${clock(untaggedAt + 5000)}), `));
      await p.locator('#retention').scrollIntoViewIfNeeded();
      await p.locator('#retention').screenshot({ path: join(SHOTS, '15-retention-queued.png') });

      await p.click('#advance-1m');
      await p.locator(`[data-repo="${RET}"] [data-digest="${gone}"]`).waitFor({ state: 'detached' });
      assert.equal(await clockOf(p), untaggedAt + 60_000);
      assert.match(await statusOf(p), literal(
        `1 job ran (1 retention delete): retention policy deleted untagged manifest ${RET}@${shortDigest(gone)}.`));
      const events = await p.locator('#events li .text').evaluateAll((els) => els.map((e) => e.title).reverse());
      assert.ok(events.includes(`retention policy deleted untagged manifest ${RET}@${shortDigest(gone)}`), events.join(' | '));
      // The manifest untagged before the policy, and the tagged one, are still there.
      assert.equal(await p.locator(`[data-repo="${RET}"] [data-digest="${before}"] .untagged`).count(), 1);
      assert.equal(await p.locator(`[data-repo="${RET}"] [data-digest="${kept}"] .tag[data-tag="v2"]`).count(), 1);
      assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '0');
      // Its records wait for garbage collection like any delete's.
      assert.match(await p.locator('#gc-backlog').textContent(), /records? wait for garbage collection/);
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path: join(SHOTS, '16-retention-applied.png') });

      // A downgrade is refused while the policy is on, and the refusal says so.
      await p.click('#tier-panel button.tier-choice[data-tier="Standard"]');
      await p.locator('#error').waitFor();
      assert.match(await p.locator('#error').textContent(),
        /cannot move to Standard: the retention policy is enabled \(disable it first\)/);
    });
  });

  describe('request rates', () => {
    let p;
    before(async () => { p = await openPage('rates page'); });
    after(async () => { await p?.close(); });

    it('a scale-out of 300 nodes sharing one identity on Standard (2019 limits) gets exactly the 429s the bucket gives', async () => {
      await newRegistry(p, { name: 'throttled', tier: 'Standard', rate: '2019' });
      assert.equal(await p.locator('#rate-model').inputValue(), '2019');
      assert.equal(await p.locator('#rate-panel').getAttribute('data-model'), '2019');
      // 2019 Standard: ReadOps 3,000 a minute per registry. A bucket holds 10 s of it, 500
      // reads; one read is 60,000 units and the bucket refills 3,000 units a millisecond.
      const RATE = 3000;
      const UNIT = 60_000;
      const CAPACITY = RATE * 10 * 1000;
      const reads = p.locator('#rate-categories [data-category="DataplaneRead"]');
      assert.equal(await reads.getAttribute('data-capacity'), '500');
      assert.match(await reads.textContent(), /3,000\/min per registry · no per-identity limit/);
      const writes = p.locator('#rate-categories [data-category="DataplaneWrite"]');
      assert.equal(await writes.getAttribute('data-capacity'), '83');
      assert.match(await p.locator('#rate-categories [data-category="DataplaneDelete"]').textContent(),
        /no limit of its own in this model/);

      // A push is 2 reads (a HEAD per blob) and 3 writes; a minute later the buckets are full.
      const sizes = await pushFile(p, REPO, TAG);
      const bytesPerNode = FILE_BYTES + sizes.config + sizes.manifest;
      assert.equal(await reads.getAttribute('data-admitted'), '2');
      await p.click('#advance-1m');
      await p.locator('#clock-now', { hasText: '00:01:' }).waitFor();
      const t1 = await clockOf(p);
      assert.equal(await reads.getAttribute('data-available'), '500');

      // Each node reads the manifest, the config and the layer: 3 reads, all at one instant.
      let units = CAPACITY;
      let completed = 0;
      let retryMs = 0;
      for (let node = 1; node <= 300; node++) {
        if (units >= 3 * UNIT) { units -= 3 * UNIT; completed++; } else retryMs = Math.ceil((3 * UNIT - units) / RATE);
      }
      const throttled = 300 - completed;
      const retryS = Math.max(1, Math.ceil(retryMs / 1000));
      const tookMs = Math.ceil((completed * bytesPerNode * 1000) / 60_000_000);
      assert.deepEqual([completed, throttled, retryS], [166, 134, 1], 'floor(500 / 3) nodes fit in the bucket');

      assert.equal(await p.locator('#scale-out-image').textContent(), `${REPO}:${TAG}`);
      await p.fill('#scale-out-nodes', '300');
      assert.ok(await p.locator('#scale-out-shared').isChecked());
      await p.click('#scale-out-pull');
      const report = p.locator('#scale-out-report');
      await report.waitFor();
      assert.equal(await report.getAttribute('data-completed'), String(completed));
      assert.equal(await report.getAttribute('data-throttled'), String(throttled));
      assert.equal(await report.getAttribute('data-retry-after'), String(retryS));
      assert.equal(await report.getAttribute('data-first-throttled'), String(completed + 1));
      assert.equal(await report.getAttribute('data-reads-per-node'), '3');
      assert.equal(await report.getAttribute('data-bytes-per-node'), String(bytesPerNode));
      assert.equal(await report.getAttribute('data-took-ms'), String(tookMs));
      assert.equal(await report.locator('.scale-sentence').textContent(),
        `166 of 300 nodes got ${REPO}:${TAG}; 134 refused with 429 TOOMANYREQUESTS, Retry-After up to 1 s.`);
      assert.equal(await clockOf(p), t1 + tookMs, 'the completed nodes downloaded at 60 MB/s');
      // The bucket: what the nodes left, plus what refilled while they downloaded.
      units = Math.min(CAPACITY, units + tookMs * RATE);
      assert.equal(await reads.getAttribute('data-available'), String(Math.floor(units / UNIT)));
      assert.equal(await reads.getAttribute('data-admitted'), String(2 + 3 * completed));
      assert.equal(await reads.getAttribute('data-throttled'), String(throttled));
      const events = await p.locator('#events li .text').evaluateAll((els) => els.map((e) => e.title).reverse());
      assert.match(events[0], /^300 nodes pulled demo\/app@sha256:[0-9a-f]{12}: 166 got the image, 134 were refused with 429 TOOMANYREQUESTS \(Retry-After up to 1 s\)$/);
      await p.locator('#rate-panel').scrollIntoViewIfNeeded();
      await p.locator('#rate-panel').screenshot({ path: join(SHOTS, '17-scale-out-429.png') });

      // Wait out the Retry-After: the clock moves 1 s and the bucket refills 50 reads.
      const t2 = await clockOf(p);
      assert.equal(await p.locator('#retry-after').textContent(), 'Wait 1 s (Retry-After)');
      await p.click('#retry-after');
      await p.locator('#clock-now', { hasText: clock(t2 + 1000) }).waitFor();
      units = Math.min(CAPACITY, units + 1000 * RATE);
      assert.equal(await reads.getAttribute('data-available'), String(Math.floor(units / UNIT)));
      assert.match(await statusOf(p), literal(
        `Waited 1 second, as Retry-After asked: the clock is now ${clock(t2 + 1000)}. The registry's buckets hold now: ` +
        `DataplaneRead ${Math.floor(units / UNIT)} of 500, DataplaneWrite 83 of 83.`));
      assert.equal(await p.locator('#retry-after').count(), 0, 'waited out');

      // Another scale-out drains what refilled; a push right after is refused with a
      // Retry-After, and "Wait" pushes again once the clock has moved.
      const t3 = await clockOf(p);
      await p.click('#scale-out-pull');
      let second = 0;
      for (let node = 1; node <= 300; node++) if (units >= 3 * UNIT) { units -= 3 * UNIT; second++; }
      await p.locator(`#scale-out-report[data-completed="${second}"]`).waitFor();
      const took2 = Math.ceil((second * bytesPerNode * 1000) / 60_000_000);
      units = Math.min(CAPACITY, units + took2 * RATE);
      // The push needs 2 reads (one per blob HEAD); the bucket holds less.
      assert.ok(units < 2 * UNIT, `${units} units left`);
      const wait = Math.max(1, Math.ceil(Math.ceil((2 * UNIT - units) / RATE) / 1000));
      await p.setInputFiles('#push-files', { name: FILE_NAME, mimeType: 'text/plain', buffer: file });
      await p.locator('#pending-layers li', { hasText: FILE_NAME }).waitFor();
      await p.fill('#push-tag', 'v2');
      await p.fill('#push-identity', 'ci-bot');
      await p.click('#push-submit');
      const error = p.locator('#error');
      await error.waitFor();
      assert.equal(await error.locator('.code').textContent(), 'TOOMANYREQUESTS');
      assert.match(await error.textContent(), /HTTP 429/);
      assert.match(await error.textContent(), new RegExp(`the registry's DataplaneRead limit is 3000 per minute \\(2019 model\\)\\. Retry after ${wait} s`));
      assert.equal(await error.getAttribute('data-retry-after'), String(wait));
      assert.equal(await p.locator('#retry-after').textContent(), `Wait ${wait} s, then push again`);
      assert.equal(await p.locator('#scale-out-report #retry-after').count(), 0, 'one Wait button, in the banner');
      await p.evaluate(() => window.scrollTo(0, 0));
      const banner = await error.boundingBox();
      await p.screenshot({ path: join(SHOTS, '18-push-429.png'),
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(banner.y + banner.height + 12) } });
      assert.equal(await clockOf(p), t3 + took2);

      await p.click('#retry-after');
      await p.locator(`#catalog [data-repo="${REPO}"] .tag[data-tag="v2"]`).waitFor();
      assert.equal(await p.locator('#error').count(), 0);
      // Nothing new to upload but the manifest, which the repository already has: 1 ms at most.
      assert.match(await statusOf(p), new RegExp(
        `^Waited ${wait} seconds?, as Retry-After asked: the clock is now ${clock(t3 + took2 + wait * 1000).replaceAll('.', '\\.')}\\. ` +
        `Pushed demo/app:v2 as manifest sha256:[0-9a-f]{12} with 1 layer, as ci-bot\\.`));
    });

    it('switching the model to "off" lifts every limit; bandwidth stays', async () => {
      await p.selectOption('#rate-model', 'off');
      await p.locator('#rate-panel[data-model="off"]').waitFor();
      assert.match(await statusOf(p), /^Requests are now counted under no request-rate limits \(not an ACR model\): every bucket starts full\. Bandwidth stays 60 MB\/s down, 20 MB\/s up\.$/);
      for (const c of ['DataplaneRead', 'DataplaneWrite', 'DataplaneDelete', 'ListReferrers']) {
        assert.match(await p.locator(`#rate-categories [data-category="${c}"] .rate-limits`).textContent(), /^not limited$/);
      }
      assert.equal(await p.locator('#bandwidth').getAttribute('data-download'), '60000000');
    });
  });

  describe('bandwidth', () => {
    let p;
    before(async () => { p = await openPage('bandwidth page'); });
    after(async () => { await p?.close(); });

    it('a 2 GiB synthetic layer on Basic takes exactly its upload time at 10 MB/s', async () => {
      await newRegistry(p, { name: 'bandwidth', tier: 'Basic' });
      assert.match(await p.locator('#bandwidth').textContent(), /Bandwidth on Basic: download 30 MB\/s, upload 10 MB\/s/);
      const digest = await pushSynthetic(p, 'big/app', 'v1', 2, 'GiB');
      const manifest = p.locator(`[data-digest="${digest}"]`);
      const manifestBytes = Number(await manifest.locator('.manifest-size').getAttribute('data-bytes'));
      const configBytes = Number(await manifest.locator('[data-config] .size').getAttribute('data-bytes'));
      const uploaded = 2 ** 31 + configBytes + manifestBytes;
      const took = uploadMs(uploaded, 'Basic');
      // 2 GiB alone is 214,748.3648 ms; the config and manifest fit in the rounding.
      assert.equal(took, 214_749);
      assert.equal(await clockOf(p), took);
      assert.equal(await p.locator('#clock-now').textContent(), '00:03:34.749');
      assert.match(await statusOf(p), literal(
        `Pushed big/app:v1 as manifest ${shortDigest(digest)} with 1 layer, as admin. Uploaded ${grouped(uploaded)} bytes ` +
        "in 214,749 ms of virtual time at Basic's upload bandwidth of 10 MB/s."));
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path: join(SHOTS, '19-bandwidth.png') });
    });

    it('a push as another identity draws on that identity\'s buckets (2026 model)', async () => {
      await pushFile(p, 'small/app', 'v1', 'ci-bot');
      assert.match(await statusOf(p), /, as ci-bot\. Uploaded /);
      // Basic, 2026: per identity 5,000 reads and 1,000 writes a minute, 10-second buckets of
      // 833 and 166; the push took 2 reads and 3 writes, then 1 ms of upload refilled a little.
      const rows = p.locator('#rate-identities tbody tr');
      assert.equal(await rows.count(), 2);
      const cells = async (i) => rows.nth(i).locator('td').allTextContents();
      const writesLeft = Math.floor((1000 * 10_000 - 3 * 60_000 + 1 * 1000) / 60_000);
      const readsLeft = Math.floor((5000 * 10_000 - 2 * 60_000 + 1 * 5000) / 60_000);
      assert.deepEqual(await cells(0), ['ci-bot', 'DataplaneWrite', `${writesLeft} of 166`]);
      assert.deepEqual(await cells(1), ['ci-bot', 'DataplaneRead', `${readsLeft} of 833`]);
      assert.deepEqual([writesLeft, readsLeft], [163, 831]);
    });
  });

  // ---- geography: replicas, clients, faults; soft delete, webhooks; the console ----

  /** Clicks a region on the map (zoomed to `view`) and waits for its panel. */
  const openRegion = async (p, region, view = 'na') => {
    await p.click(`#map-view-${view}`);
    await p.locator(`#geo-map [data-region="${region}"] .dot`).click();
    await p.locator(`#region-panel[data-region="${region}"]`).waitFor();
  };
  /** Runs the clock until `until` (as typed in "run until") at the fastest speed, and waits for the stop. */
  const runUntil = async (p, until) => {
    await p.selectOption('#run-speed', '0');
    await p.fill('#run-until', until);
    await p.click('#run-start');
    await p.locator('#run-start').waitFor();
  };
  const clientRow = (p, name) => p.locator(`#client-table tr[data-client="${name}"]`);
  /** Picks a client and pushes (or pulls) repo:tag; waits for the page's report of run `seq`. */
  const clientRun = async (p, op, client, repo, tag, seq) => {
    await p.selectOption('#client-pick', client);
    await p.fill('#client-repo', repo);
    await p.fill('#client-tag', tag);
    await p.click(op === 'push' ? '#client-push' : '#client-pull');
    await p.locator(`#client-report[data-seq="${seq}"]`).waitFor();
    return p.locator('#client-report');
  };

  describe('geo-replication', () => {
    let p;
    const NO_CACHE = 'west-nocache';
    const CACHED = 'west-cached';
    const PUSHES = 10;
    let seq = 0;
    before(async () => { p = await openPage('geo page'); });
    after(async () => { await p?.close(); });

    it('a Premium registry in East US gets a replica in East US 2 from the map: creating, then ready', async () => {
      await newRegistry(p, { name: 'georep', tier: 'Premium', region: 'eastus' });
      assert.match(await statusOf(p), /^Created registry georep: Premium in eastus, the 2026 token buckets, the service-managed key, seed 1\./);
      assert.equal(await p.locator('#geo').getAttribute('data-home'), 'eastus');
      assert.equal(await p.locator('#replicas tbody tr').count(), 1);
      assert.equal(await p.locator('#geo-storage').getAttribute('data-paired'), 'westus', "East US's storage pair");

      await openRegion(p, 'eastus2');
      assert.match(await p.locator('#region-panel').textContent(), /No replica here\./);
      await p.click('#region-add-replica');
      const row = p.locator('#replicas tr[data-region="eastus2"]');
      await row.waitFor();
      assert.equal(await row.getAttribute('data-state'), 'creating');
      assert.equal(await p.locator('#geo-map [data-region="eastus2"]').getAttribute('data-state'), 'creating');
      // The latency floor: great-circle distance over light in fibre (204 km/ms), at least 1 ms.
      assert.equal(await row.getAttribute('data-latency-ms'), '1');
      assert.match(await statusOf(p), /^Added a replica in East US 2 \(eastus2\): it is creating now/);

      await p.click('#run-idle');
      await p.locator('#replicas tr[data-region="eastus2"][data-state="ready"]').waitFor();
      // Creating for 2 virtual minutes, then an initial sync of nothing: ready at once.
      assert.equal(await clockOf(p), 120_000);
      assert.equal(await row.locator('.state-badge').getAttribute('title'), 'created at 00:00:00.000, ready at 00:02:00.000');
      assert.equal(await p.locator('#geo-map [data-region="eastus2"]').getAttribute('data-state'), 'ready');
      assert.equal(await p.locator('#geo-map .link[data-link="eastus2"] .link-label').textContent(), 'in sync');
      assert.equal(await p.locator('#geo-legend').getAttribute('data-replicas'), '1');
    });

    it(`clients in West US push ${PUSHES} times each: without a DNS cache some pushes split and get MANIFEST_BLOB_UNKNOWN, with one none`, async () => {
      await openRegion(p, 'westus');
      await p.fill('#client-name', NO_CACHE);
      assert.equal(await p.locator('#client-dns').isChecked(), false);
      await p.click('#client-add');
      await clientRow(p, NO_CACHE).waitFor();
      await p.fill('#client-name', CACHED);
      await p.check('#client-dns');
      await p.click('#client-add');
      await clientRow(p, CACHED).waitFor();
      assert.equal(await clientRow(p, CACHED).getAttribute('data-dns-cache'), 'true');
      assert.equal(await p.locator('#geo-map .client-marker').count(), 2);

      for (let i = 1; i <= PUSHES; i++) {
        for (const client of [NO_CACHE, CACHED]) {
          seq++;
          await clientRun(p, 'push', client, 'app', `t${i}`, seq);
        }
        const t = await clockOf(p);
        await p.click('#advance-1m');
        await p.locator('#clock-now', { hasText: clock(t + 60_000) }).waitFor();
      }

      // The same run through the JS API, on a registry created the same way: the engine's count.
      const expected = await p.evaluate(({ pushes, clients }) => {
        const enc = new TextEncoder();
        const r = new window.stowage.Registry({ name: 'georep', tier: 'Premium', region: 'eastus' });
        r.addReplica('eastus2');
        r.runUntilIdle();
        r.addClient({ name: clients[0], region: 'westus', dnsCache: false });
        r.addClient({ name: clients[1], region: 'westus', dnsCache: true });
        const failures = [0, 0];
        let split = 0;
        for (let i = 1; i <= pushes; i++) {
          clients.forEach((client, k) => {
            const now = r.now();
            const layers = [1, 2].map((n) => ({
              name: `layer-${n}.txt`,
              bytes: enc.encode(`layer ${n} of app:t${i}, pushed by ${client} at ${now} ms\n`),
            }));
            const report = r.clientPushImage(client, 'app', `t${i}`, layers);
            if (report.errorCode === 'MANIFEST_BLOB_UNKNOWN') {
              failures[k]++;
              if (new Set(report.requests.map((q) => q.region)).size === 2) split++;
            }
          });
          r.advance(60_000);
        }
        return { failures, split, hash: r.eventLogHash() };
      }, { pushes: PUSHES, clients: [NO_CACHE, CACHED] });
      assert.ok(expected.failures[0] > 0, 'the seeded run splits at least one push');
      assert.equal(expected.split, expected.failures[0], 'every failed push was split across the two replicas');
      assert.equal(expected.failures[1], 0);

      const failed = async (name) => Number(await clientRow(p, name).getAttribute('data-manifest-blob-unknown'));
      assert.equal(await failed(NO_CACHE), expected.failures[0]);
      assert.equal(await failed(CACHED), 0);
      assert.deepEqual(expected.failures, [8, 0], 'the seeded run: 8 of 10 pushes without a DNS cache split');
      assert.equal(await clientRow(p, NO_CACHE).getAttribute('data-runs'), String(PUSHES));
      assert.equal(await clientRow(p, NO_CACHE).locator('.code-count[data-code="MANIFEST_BLOB_UNKNOWN"]').textContent(),
        `${expected.failures[0]} MANIFEST_BLOB_UNKNOWN`);
      // Each push is 4 requests (2 layers, the config, the manifest). Without a cache each one
      // is resolved afresh; with one, the answer is kept 5 minutes: pushes a minute apart from
      // 00:02:00 resolve twice (at 00:02 and 00:07).
      assert.equal(await clientRow(p, NO_CACHE).getAttribute('data-lookups'), String(4 * PUSHES));
      assert.equal(await clientRow(p, CACHED).getAttribute('data-lookups'), '2');

      // The failed runs in the list: layers in one replica, the manifest refused in the other.
      const failedRuns = p.locator('#client-runs li[data-error="MANIFEST_BLOB_UNKNOWN"]');
      assert.ok(await failedRuns.count() >= 1);
      const line = await failedRuns.first().textContent();
      assert.match(line, /manifest ✗ eastus2? MANIFEST_BLOB_UNKNOWN/);
      assert.ok(line.includes('→ eastus,') || line.includes('→ eastus2,'), line);

      // Show a split push in the table: the last failing run's requests, region by region.
      let shown = null;
      for (let i = PUSHES + 1; i <= PUSHES + 20 && !shown; i++) {
        seq++;
        const report = await clientRun(p, 'push', NO_CACHE, 'app', `t${i}`, seq);
        if (await report.getAttribute('data-error') === 'MANIFEST_BLOB_UNKNOWN') shown = report;
        else await p.click('#advance-1m');
      }
      assert.ok(shown, 'a split push within 20 more');
      const regions = await shown.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.region));
      assert.equal(regions.length, 4);
      assert.equal(new Set(regions).size, 2, `split across both replicas: ${regions}`);
      assert.equal(await shown.locator('tbody tr').last().getAttribute('data-error'), 'MANIFEST_BLOB_UNKNOWN');
      const error = p.locator('#error');
      assert.equal(await error.locator('.code').textContent(), 'MANIFEST_BLOB_UNKNOWN');
      assert.match(await error.textContent(), /HTTP 400/);
      assert.match(await error.textContent(), /What the requests before it wrote stays/);

      // The map is keyboard-reachable: a focused region opens its panel with Enter.
      await p.click('#map-view-na');
      await p.locator('#geo-map [data-region="eastus2"]').focus();
      await p.keyboard.press('Enter');
      await p.locator('#region-panel[data-region="eastus2"]').waitFor();
      assert.match(await p.locator('#region-panel .region-replica').textContent(), /^ready replica/);
      assert.equal(await p.locator('#region-remove-replica').count(), 1);
      const geo = await p.locator('#geo').boundingBox();
      const clients = await p.locator('#clients').boundingBox();
      await p.locator('#geo').scrollIntoViewIfNeeded();
      await p.locator('#geo').screenshot({ path: join(SHOTS, '20-geo-map.png') });
      await p.locator('#clients').screenshot({ path: join(SHOTS, '20b-split-push.png') });
      assert.ok(clients.x >= geo.x + geo.width, 'the clients panel is beside the map (the stage)');
    });

    it('a region outage from the map: requests fail with UNAVAILABLE 503 until failover, then go to the other replica; heal', async () => {
      await p.click('#error-dismiss');
      // Where the caching client is pinned now: the outage goes there.
      const pull = async () => {
        seq++;
        return clientRun(p, 'pull', CACHED, 'app', 't10', seq);
      };
      let report = await pull();
      assert.equal(await report.getAttribute('data-error'), null);
      const target = await report.locator('tbody tr').first().getAttribute('data-region');
      const other = target === 'eastus' ? 'eastus2' : 'eastus';
      await openRegion(p, target);
      await p.click('#fault-outage');
      const fault = p.locator('#fault-list li[data-fault="1"]');
      await fault.waitFor();
      const start = await clockOf(p);
      assert.equal(await fault.getAttribute('data-state'), 'active');
      assert.equal(await fault.locator('.fault-text').textContent(), `region ${target} goes dark`);
      const failover = (await fault.locator('.failover').textContent()).match(/fails over at (\S+)$/)[1];
      assert.match(await statusOf(p), new RegExp(`^Fault 1: region ${target} goes dark, starting now\\. It lasts until you heal it\\. The global endpoint fails over away from the region at ${failover.replaceAll('.', '\\.')}\\.`));
      assert.equal(await p.locator(`#geo-map [data-region="${target}"]`).getAttribute('class').then((c) => c.includes('down')), true);
      // The strip: shaded in the engine's colour for a region outage, from its start to now.
      const bar = p.locator('#fault-strip .fault-bar[data-fault="1"]');
      assert.equal(await bar.getAttribute('data-state'), 'active');
      assert.equal(await bar.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(153, 27, 27)');
      assert.match(await bar.getAttribute('title'), new RegExp(`^Fault 1: region ${target} goes dark \\(active, from `));

      // Before failover the global endpoint still sends the client there: 503.
      report = await pull();
      assert.equal(await report.getAttribute('data-error'), 'UNAVAILABLE');
      assert.equal(await report.locator('tbody tr').first().getAttribute('data-region'), target);
      const error = p.locator('#error');
      assert.equal(await error.locator('.code').textContent(), 'UNAVAILABLE');
      assert.match(await error.textContent(), /HTTP 503/);
      assert.match(await error.textContent(), new RegExp(`region ${target} is down`));

      // Run the clock to the failover (1–2 minutes, drawn by the engine): then routed around.
      await runUntil(p, failover);
      assert.equal(await p.locator('#clock-now').textContent(), failover);
      assert.match(await statusOf(p), new RegExp(`^Ran until ${failover.replaceAll('.', '\\.')}`));
      const failoverMs = await clockOf(p);
      assert.ok(failoverMs - start >= 60_000 && failoverMs - start <= 120_000, `${failoverMs - start} ms`);
      assert.match(await fault.locator('.failover').textContent(), /^failed over at /);
      report = await pull();
      assert.equal(await report.getAttribute('data-error'), null, 'the pull succeeds in the other replica');
      const served = await report.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.region));
      assert.deepEqual([...new Set(served)], [other]);
      await p.evaluate(() => window.scrollTo(0, 0));
      const strip = await p.locator('#faults').boundingBox();
      await p.screenshot({ path: join(SHOTS, '21-region-outage.png'),
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(strip.y + strip.height + 8) } });

      const healAt = await clockOf(p);
      await fault.locator('button.heal').click();
      await p.locator('#fault-list li[data-fault="1"][data-state="healed"]').waitFor();
      assert.equal(await bar.getAttribute('data-state'), 'healed');
      assert.match(await statusOf(p), new RegExp(`^Healed fault 1 at ${clock(healAt).replaceAll('.', '\\.')}: region ${target} goes dark\\.$`));
      assert.equal(await p.locator(`#geo-map [data-region="${target}"]`).getAttribute('class').then((c) => c.includes('down')), false);
    });

    it('a partition scheduled from the link panel: ahead on the timeline, active for its duration, then healed by itself', async () => {
      await p.click('#map-view-world');
      await p.locator('#geo-map .link[data-link="eastus2"]').focus();
      await p.keyboard.press('Enter');
      await p.locator('#link-panel[data-from="eastus"][data-to="eastus2"]').waitFor();
      await p.fill('#link-fault-delay', '1m');
      await p.fill('#link-fault-duration', '2m');
      await p.selectOption('#partition-way', 'forward');
      const t = await clockOf(p);
      await p.click('#fault-partition');
      const row = p.locator('#fault-list li[data-fault="2"]');
      await row.waitFor();
      assert.equal(await row.getAttribute('data-state'), 'scheduled');
      assert.equal(await row.locator('.fault-text').textContent(), 'network partition eastus → eastus2');
      assert.equal(await row.locator('.fault-when').textContent(),
        `starts ${clock(t + 60_000)} (in 1 min) → ${clock(t + 180_000)}`);
      assert.match(await statusOf(p), literal(
        `Fault 2: network partition eastus → eastus2, starting in 1 min, at ${clock(t + 60_000)}. It heals by itself at ${clock(t + 180_000)}.`));
      assert.equal(await p.locator('#fault-strip .fault-bar[data-fault="2"]').getAttribute('data-state'), 'scheduled');
      await runUntil(p, '+90s');
      await p.locator('#fault-list li[data-fault="2"][data-state="active"]').waitFor();
      assert.match(await p.locator('#geo-map .link[data-link="eastus2"]').getAttribute('class'), /\bcut\b/);
      await runUntil(p, clock(t + 180_000));
      await p.locator('#fault-list li[data-fault="2"][data-state="healed"]').waitFor();
      assert.equal(await row.locator('.fault-when').textContent(), `${clock(t + 60_000)} → healed ${clock(t + 180_000)}`);
      assert.doesNotMatch(await p.locator('#geo-map .link[data-link="eastus2"]').getAttribute('class'), /\bcut\b/);
    });
  });

  describe('geo-redundant storage', () => {
    let p;
    before(async () => { p = await openPage('storage page'); });
    after(async () => { await p?.close(); });

    it('storage destroyed inside the recovery point window loses what was not copied; a pull answers UNAVAILABLE 503', async () => {
      await newRegistry(p, { name: 'grsdemo' });
      const sizes = await pushFile(p, REPO, TAG);
      const total = FILE_BYTES + sizes.config + sizes.manifest;
      const pushedAt = await clockOf(p);
      const geo = p.locator('#geo-storage');
      assert.equal(await geo.getAttribute('data-paired'), 'northeurope');
      assert.equal(await geo.getAttribute('data-lag-ms'), String(5 * 60_000));
      const sum = (attr) => p.locator('#geo-storage tbody tr').evaluateAll(
        (rows, a) => rows.reduce((n, r) => n + Number(r.getAttribute(a)), 0), attr);
      assert.equal(await sum('data-uncopied'), 3, 'the layer, the config and the manifest: not copied yet');
      assert.equal(await sum('data-uncopied-bytes'), total);

      await openRegion(p, 'westeurope', 'europe');
      await p.click('#fault-storage-destroyed');
      await p.locator('#fault-list li[data-fault="1"]').waitFor();
      assert.equal(await geo.getAttribute('data-lost'), '3');
      assert.equal(await geo.getAttribute('data-lost-bytes'), String(total));
      assert.equal(await sum('data-lost'), 3);
      assert.equal(await p.locator('#geo-storage tbody tr[data-failed="destroyed"]').count(), 4);
      assert.match(await p.locator('#geo-storage tbody tr[data-lost]:not([data-lost="0"]) td.bad').first().textContent(), /^\d · /);
      assert.match((await p.locator('#events li .text').last().getAttribute('title')), /^fault 1: the storage of westeurope destroyed; 3 record\(s\) not yet copied to the paired region are lost$/);
      assert.equal(await clockOf(p), pushedAt, 'inside the window: nothing was copied');

      // A pull of the lost layer: the registry knows it but cannot serve it.
      const row = p.locator(`[data-repo="${REPO}"] [data-layer="${layerDigest}"]`);
      await row.locator('.pull-layer').click();
      const error = p.locator('#error');
      await error.locator('.code', { hasText: 'UNAVAILABLE' }).waitFor();
      assert.match(await error.textContent(), /HTTP 503/);
      await p.locator('#accounts').scrollIntoViewIfNeeded();
      await p.locator('#accounts').screenshot({ path: join(SHOTS, '22-storage-lost.png') });
    });
  });

  describe('soft delete', () => {
    let p;
    before(async () => { p = await openPage('soft delete page'); });
    after(async () => { await p?.close(); });

    it('on: a deleted image goes to the bin, still billed; restored, it pulls with the exact bytes', async () => {
      await newRegistry(p, { name: 'softdemo' });
      await p.check('#soft-delete-enabled');
      await p.click('#soft-delete-apply');
      await p.locator('#soft-delete[data-enabled="true"][data-days="7"]').waitFor();
      assert.match(await statusOf(p), /^Soft delete on: deleted manifests and removed tags go to their repository's bin, still billed, and can be restored for 7 days/);
      const sizes = await pushFile(p, REPO, TAG);
      const total = FILE_BYTES + sizes.config + sizes.manifest;

      await p.locator(`[data-repo="${REPO}"] [data-digest="${sizes.digest}"] .delete-manifest`).click();
      assert.match(await p.locator('#confirm').textContent(), /Soft delete is on: it goes to the recycle bin, still billed, and can be restored for 7 days\./);
      assert.equal(await p.locator('#confirm .irreversible').count(), 0);
      await p.click('#confirm-yes');
      await p.locator(`#catalog [data-repo="${REPO}"]`).waitFor({ state: 'detached' });
      const deletedAt = await clockOf(p);
      assert.equal(await storageUsedOf(p), total, 'still billed');
      const item = p.locator('#soft-deleted li');
      assert.equal(await item.count(), 1);
      assert.equal(await item.getAttribute('data-tag'), TAG);
      assert.equal(await item.getAttribute('data-digest'), sizes.digest);
      assert.equal(await item.getAttribute('data-manifest-deleted'), 'true');
      assert.equal(await p.locator('#soft-delete-total').getAttribute('data-next-purge-ms'), String(deletedAt + 86_400_000));
      assert.equal(await item.locator('.manifest-ref').textContent(), `${REPO}:${TAG} → ${shortDigest(sizes.digest)}`);
      await p.locator('#soft-delete').scrollIntoViewIfNeeded();
      await p.locator('#soft-delete').screenshot({ path: join(SHOTS, '23-soft-delete-bin.png') });

      await item.locator('.restore').click();
      await p.locator(`#catalog [data-repo="${REPO}"] .tag[data-tag="${TAG}"]`).waitFor();
      assert.equal(await p.locator('#soft-delete').getAttribute('data-total'), '0');
      assert.match(await statusOf(p), new RegExp(`^Restored ${REPO}:${TAG} → ${shortDigest(sizes.digest)} from the bin: it is listed and pullable again\\. 0 items left in the bins\\.$`));
      const row = p.locator(`[data-repo="${REPO}"] [data-layer="${layerDigest}"]`);
      const [download] = await Promise.all([p.waitForEvent('download'), row.locator('.pull-layer').click()]);
      assert.ok(readFileSync(await download.path()).equals(file), 'the restored layer pulls with the pushed bytes');
    });
  });

  describe('webhooks', () => {
    let p;
    before(async () => { p = await openPage('webhook page'); });
    after(async () => { await p?.close(); });

    it('Basic allows 2 webhooks, the third is refused with 405; a push is delivered 1 s later', async () => {
      await newRegistry(p, { name: 'hookdemo', tier: 'Basic' });
      const add = async (name) => {
        await p.fill('#webhook-name', name);
        await p.click('#webhook-add');
      };
      await add('hookone');
      await p.locator('#webhooks li[data-name="hookone"]').waitFor();
      await add('hooktwo');
      await p.locator('#webhooks li[data-name="hooktwo"]').waitFor();
      assert.equal(await p.locator('#features').getAttribute('data-webhooks-max'), '2');
      // Premium-only features are refused on Basic, in the panel.
      const error = p.locator('#features-error');
      await p.click('#endpoint-add');
      await error.locator('.code', { hasText: 'REGISTRY_DISALLOWED_OPERATION' }).waitFor();
      assert.match(await error.textContent(), /a private endpoint is a Premium feature; this registry is Basic/);
      await add('hookthree');
      await p.locator('#features-error', { hasText: 'webhooks' }).waitFor();
      assert.equal(await error.locator('.code').textContent(), 'REGISTRY_DISALLOWED_OPERATION');
      assert.equal(await error.locator('.http').textContent(), 'HTTP 405');
      assert.match(await error.textContent(), /Basic allows 2 webhooks and this registry has 2 \(Standard allows 10, Premium 500\)/);
      assert.equal(await p.locator('#features').getAttribute('data-webhooks'), '2');

      // The upload takes 1 ms at 10 MB/s; the webhooks fire when the manifest is stored.
      const before = await clockOf(p);
      await pushFile(p, REPO, TAG);
      const pushedAt = await clockOf(p);
      assert.equal(pushedAt, before + 1);
      assert.equal(await p.locator('#webhooks li[data-name="hookone"]').getAttribute('data-delivered'), '0');
      assert.match(await p.locator('#gc-backlog .backlog-also').textContent(), literal(`2 webhook deliveries (next at ${clock(pushedAt + 1000)})`));
      await runUntil(p, clock(pushedAt + 1000));
      assert.equal(await clockOf(p), pushedAt + 1000);
      assert.match(await statusOf(p), literal(`Ran until ${clock(pushedAt + 1000)}: the clock ran from ${clock(pushedAt)} and 2 jobs ran on the way.`));
      for (const name of ['hookone', 'hooktwo']) {
        const hook = p.locator(`#webhooks li[data-name="${name}"]`);
        assert.equal(await hook.getAttribute('data-delivered'), '1');
        assert.equal(await hook.locator('.deliveries li').getAttribute('data-at-ms'), String(pushedAt + 1000));
        assert.match(await hook.locator('.deliveries li').textContent(), new RegExp(`^${clock(pushedAt + 1000).replaceAll('.', '\\.')} push ${REPO}:${TAG}`));
      }
      await p.locator('#features').scrollIntoViewIfNeeded();
      await p.locator('#features').screenshot({ path: join(SHOTS, '24-webhooks.png') });
    });
  });

  it('the clock runs by itself at a speed and pauses, in 1-minute slices at ×600', async () => {
    const t = await clockMs();
    await page.selectOption('#run-speed', '600');
    await page.fill('#run-until', '');
    await page.click('#run-start');
    await page.locator('#run-state[data-speed="600"]').waitFor();
    await page.waitForFunction((until) => Number(document.querySelector('#clock-now').dataset.ms) >= until, t + 3 * 60_000);
    await page.click('#run-pause');
    await page.locator('#run-start').waitFor();
    const paused = await clockMs();
    assert.equal((paused - t) % 60_000, 0, 'every tick moves 100 ms × 600');
    assert.ok(paused - t >= 3 * 60_000);
    assert.match(await page.locator('#status').textContent(), new RegExp(`^Paused at ${clock(paused).replaceAll('.', '\\.')}: the clock ran from ${clock(t).replaceAll('.', '\\.')}`));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await clockMs(), paused, 'paused: the clock stays');
  });

  it('the console: stowage.page() changes the page\'s registry and the page shows it at once', async () => {
    const seqBefore = await topEventSeq();
    const pushed = await page.evaluate(() => window.stowage.page().pushImage('console/app', 'v1',
      [{ name: 'note.txt', bytes: new TextEncoder().encode('pushed from the console') }]));
    await page.locator('#catalog [data-repo="console/app"]').waitFor();
    assert.ok(await topEventSeq() > seqBefore, 'the event log moved too');
    assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
  });

  it('the console: window.stowage scripts a registry the way the README shows', async () => {
    const result = await page.evaluate(() => {
      const r = new window.stowage.Registry();
      const layer = new TextEncoder().encode('hello');
      const ld = r.pushBlob('team/app', layer);
      const cd = r.pushBlob('team/app', '{"architecture":"amd64","os":"linux"}');
      const md = r.pushManifest('team/app', 'v1', JSON.stringify({
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: 37 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: ld, size: 5 }] }));
      let code;
      try { r.pullManifest('team/app', 'v9'); } catch (e) { code = `${e.code} ${e.httpStatus}`; }
      return {
        ld, md,
        pulled: r.pullManifest('team/app', 'v1').digest,
        bytes: Array.from(r.pullBlob('team/app', ld)),
        catalog: r.catalog(),
        keyId: r.storageRecords()[0].keyId,
        code,
      };
    });
    assert.equal(result.ld, sha256(Buffer.from('hello')));
    assert.equal(result.pulled, result.md);
    assert.deepEqual(result.bytes, [104, 101, 108, 108, 111]);
    assert.deepEqual(result.catalog, { repositories: ['team/app'], next: null });
    assert.equal(result.keyId, 'service-managed/keys/registry/1');
    assert.equal(result.code, 'MANIFEST_UNKNOWN 404');
  });

  describe('replica-to-replica links', () => {
    let p;
    before(async () => { p = await openPage('links page'); });
    after(async () => { await p?.close(); });
    /** Opens a region's panel from the keyboard (dots of close regions overlap on the world view). */
    const openRegionByKey = async (region) => {
      await p.click('#map-view-world');
      await p.locator(`#geo-map [data-region="${region}"]`).focus();
      await p.keyboard.press('Enter');
      await p.locator(`#region-panel[data-region="${region}"]`).waitFor();
    };
    const link = (id) => p.locator(`#geo-map .link[data-link="${id}"]`);

    it('every pair of replicas is a link; a partition of East US ↔ Japan East holds the changes East US sends there, drawn on that link', async () => {
      await newRegistry(p, { name: 'peerlinks', tier: 'Premium', region: 'westeurope' });
      for (const region of ['eastus', 'japaneast']) {
        await openRegionByKey(region);
        await p.click('#region-add-replica');
        await p.locator(`#replicas tr[data-region="${region}"]`).waitFor();
      }
      await p.click('#run-idle');
      await p.locator('#replicas tr[data-region="japaneast"][data-state="ready"]').waitFor();
      // Three replicas, three links: two to home (keyed by the replica), one between the replicas.
      const links = await p.locator('#geo-map .link').evaluateAll((gs) => gs.map((g) =>
        [g.dataset.link, g.dataset.from, g.dataset.to, g.classList.contains('peer-link') ? 'peer' : 'home']));
      assert.deepEqual(links, [
        ['eastus~japaneast', 'eastus', 'japaneast', 'peer'],
        ['eastus', 'westeurope', 'eastus', 'home'],
        ['japaneast', 'westeurope', 'japaneast', 'home'],
      ]);
      assert.equal(await link('eastus').locator('.link-label').textContent(), 'in sync');
      assert.equal(await link('japaneast').locator('.link-label').textContent(), 'in sync');
      assert.equal(await link('eastus~japaneast').locator('.link-label').textContent(), 'none in flight');

      // The link panel works for two replicas: cut it both ways.
      await link('eastus~japaneast').focus();
      await p.keyboard.press('Enter');
      const panel = p.locator('#link-panel[data-from="eastus"][data-to="japaneast"]');
      await panel.waitFor();
      assert.equal(await panel.locator('h3').textContent(), 'East US ↔ Japan East');
      assert.match(await panel.locator('.link-about').textContent(),
        /each replica sends its changes straight to the other; in flight now: 0 eastus → japaneast, 0 japaneast → eastus\.$/);
      await p.click('#fault-partition');
      const fault = p.locator('#fault-list li[data-fault="1"]');
      await fault.waitFor();
      assert.equal(await fault.locator('.fault-text').textContent(), 'network partition eastus ↔ japaneast');
      assert.match(await link('eastus~japaneast').getAttribute('class'), /\bcut\b/);
      assert.doesNotMatch(await link('eastus').getAttribute('class'), /\bcut\b/);
      assert.equal(await link('eastus~japaneast').locator('.link-label').textContent(), 'partitioned · none in flight');

      // A client in East US pushes: East US sends the change to each other replica itself.
      await openRegionByKey('eastus');
      await p.fill('#client-name', 'east');
      await p.click('#client-add');
      await p.locator('#client-table tr[data-client="east"]').waitFor();
      const report = await clientRun(p, 'push', 'east', 'app', 'v1', 1);
      assert.equal(await report.getAttribute('data-error'), null);
      // On their way: East US sends each change (two layers, the config, the manifest) to each
      // other replica itself, the dots on the link each one travels.
      const inFlightNow = () => p.evaluate(() => window.stowage.page().inFlight(1000));
      const dotsNow = () => p.locator('#geo-map .in-flight').evaluateAll((cs) => cs.map((c) =>
        ({ link: c.dataset.link, from: c.dataset.from, to: c.dataset.to, held: c.classList.contains('held'), cx: c.getAttribute('cx'), cy: c.getAttribute('cy') })));
      let inFlight = await inFlightNow();
      assert.deepEqual(inFlight.map((c) => `${c.from}→${c.to}`),
        [...Array(4).fill('eastus→westeurope'), ...Array(4).fill('eastus→japaneast')]);
      assert.ok(inFlight.every((c) => c.arrivesAtMs !== null), 'queued: the partition holds them when they reach it');
      assert.equal(await link('eastus~japaneast').locator('.link-label').textContent(), 'partitioned · 4 changes in flight');
      // The label of home ↔ a replica is the replica's lag: East US itself waits for nothing.
      assert.equal(await link('eastus').locator('.link-label').textContent(), 'in sync');
      let dots = await dotsNow();
      assert.deepEqual(dots.map((d) => `${d.link} ${d.from}→${d.to}`),
        [...Array(4).fill('eastus eastus→westeurope'), ...Array(4).fill('eastus~japaneast eastus→japaneast')]);

      // A minute later: West Europe has them; the four to Japan East wait at East US.
      const t = await clockOf(p);
      await p.click('#advance-1m');
      await p.locator('#clock-now', { hasText: clock(t + 60_000) }).waitFor();
      inFlight = await inFlightNow();
      assert.deepEqual(inFlight.map((c) => `${c.from}→${c.to} ${c.arrivesAtMs}`), Array(4).fill('eastus→japaneast null'));
      assert.equal(await link('eastus~japaneast').locator('.link-label').textContent(), 'partitioned · 4 changes in flight');
      assert.equal(await link('eastus').locator('.link-label').textContent(), 'in sync');
      // Held dots wait together on the link just outside East US's halo, towards Japan East.
      const centre = (region) => p.locator(`#geo-map [data-region="${region}"] .dot`)
        .evaluate((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);
      const [[ex, ey], [jx, jy]] = [await centre('eastus'), await centre('japaneast')];
      dots = await dotsNow();
      assert.equal(dots.length, 4);
      assert.ok(dots.every((d) => d.link === 'eastus~japaneast' && d.from === 'eastus' && d.to === 'japaneast' && d.held &&
        d.cx === dots[0].cx && d.cy === dots[0].cy), JSON.stringify(dots));
      const [hx, hy] = [Number(dots[0].cx), Number(dots[0].cy)];
      const along = ((hx - ex) * (jx - ex) + (hy - ey) * (jy - ey)) / ((jx - ex) ** 2 + (jy - ey) ** 2);
      const off = Math.abs((hx - ex) * (jy - ey) - (hy - ey) * (jx - ex)) / Math.hypot(jx - ex, jy - ey);
      assert.ok(along > 0 && along < 0.1 && off < 0.01, `on the link near East US: ${along}, ${off}`);
      assert.equal(await p.locator('#replicas tr[data-region="japaneast"]').getAttribute('data-inbound'), '4');

      // Healed: the held changes travel, and the link is in sync again.
      await link('eastus~japaneast').focus();
      await p.keyboard.press('Enter');
      await panel.waitFor();
      assert.match(await panel.locator('.link-about').textContent(), /in flight now: 4 eastus → japaneast, 0 japaneast → eastus\.$/);
      assert.equal(await panel.locator('li[data-fault="1"]').count(), 1, 'the partition, with Heal');
      await p.locator('#geo').scrollIntoViewIfNeeded();
      await p.locator('#geo').screenshot({ path: join(SHOTS, '29-peer-links.png') });
      await panel.locator('li[data-fault="1"] button.heal').click();
      await p.locator('#fault-list li[data-fault="1"][data-state="healed"]').waitFor();
      await p.click('#run-idle');
      await p.locator('#geo-map .link[data-link="eastus~japaneast"] .link-label', { hasText: 'none in flight' }).waitFor();
      assert.doesNotMatch(await link('eastus~japaneast').getAttribute('class'), /\bcut\b/);
      assert.equal(await p.locator('#geo-map .in-flight').count(), 0);
      assert.equal(await p.locator('#replicas tr[data-region="japaneast"]').getAttribute('data-manifests'),
        await p.locator('#replicas tr[data-region="eastus"]').getAttribute('data-manifests'));
    });
  });

  describe('bit rot from the map', () => {
    let p;
    before(async () => { p = await openPage('bit rot page'); });
    after(async () => { await p?.close(); });
    const layerKey = `blobs/sha256/${layerDigest.slice('sha256:'.length)}`;
    const row = () => p.locator(`[data-repo="${REPO}"] [data-layer="${layerDigest}"]`);
    const verify = async () => {
      await row().locator('.verify-layer').click();
      await row().locator('.verify-result').waitFor();
    };

    it('rots a bit of a blob\'s primary copy from the home region\'s panel: caught by authentication, then served from the paired-region copy', async () => {
      await newRegistry(p, { name: 'rotdemo', region: 'westeurope' });
      await pushFile(p, REPO, TAG);
      await openRegion(p, 'westeurope', 'europe');
      const rot = p.locator('#bit-rot');
      assert.equal(await rot.locator('legend').textContent(), 'Rot a bit in a stored record');
      assert.match(await rot.textContent(), /3 records stored here\./);
      // The engine's records of the home region: the layer, the config and the manifest.
      const records = await p.evaluate(() => window.stowage.page().storageRecords().map((r) => r.key));
      assert.deepEqual(await p.locator('#rot-record option').evaluateAll((os) => os.map((o) => o.value)), records);
      assert.ok(records.includes(layerKey));
      assert.match(await p.locator(`#rot-record option[value="${layerKey}"]`).textContent(),
        new RegExp(`^blob ${layerDigest.slice(0, 19)} · 2\\.9 KiB · `));
      await p.selectOption('#rot-record', layerKey);

      // The paired-region copy is made 5 minutes after the write: not yet.
      await p.selectOption('#rot-copy', 'secondary');
      await p.click('#fault-bit-rot');
      await p.locator('#geo-error .code', { hasText: 'INVALID_ARGUMENT' }).waitFor();
      assert.match(await p.locator('#geo-error').textContent(), literal(`${layerKey} has no Secondary copy yet`));
      assert.equal(await p.locator('#fault-list li').count(), 0);

      // The primary copy, while it is the only one: no copy passes authentication.
      await p.selectOption('#rot-copy', 'primary');
      await p.click('#fault-bit-rot');
      const fault = p.locator('#fault-list li[data-fault="1"]');
      await fault.waitFor();
      const text = `bit rot: bit 0 of the Primary copy of ${layerKey}`;
      assert.equal(await fault.locator('.fault-text').textContent(), text);
      assert.equal(await fault.getAttribute('data-state'), 'active');
      assert.equal(await statusOf(p), `Fault 1: ${text}, starting now. It lasts until you heal it.`);
      assert.equal(await p.locator('#fault-strip .fault-bar[data-fault="1"]').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(124, 58, 237)');
      assert.equal(await p.locator('#events li .text').last().getAttribute('title'), `fault 1: ${text}`);
      assert.match(await p.locator('#geo-map [data-region="westeurope"]').getAttribute('class'), /\bfaulted\b/);
      assert.equal(await p.locator('#region-panel .panel-faults li[data-fault="1"]').count(), 1);
      await verify();
      assert.match(await row().locator('.verify-result').textContent(), /INTEGRITY_ERROR/);
      assert.equal(await p.locator('#error .code').textContent(), 'INTEGRITY_ERROR');
      assert.match(await p.locator('#error').textContent(),
        literal('the ciphertext failed authentication: the stored record was tampered with or corrupted, so no bytes are served'));

      // Healed (the bit flips back), then copied to the paired region: both copies intact.
      await p.locator('#region-panel .panel-faults li[data-fault="1"] button.heal').click();
      await p.locator('#fault-list li[data-fault="1"][data-state="healed"]').waitFor();
      await verify();
      assert.equal(await row().locator('.verify-result').getAttribute('class'), 'verify-result ok');
      const t = await clockOf(p);
      await p.click('#advance-10m');
      await p.locator('#clock-now', { hasText: clock(t + 600_000) }).waitFor();
      const uncopied = await p.locator('#geo-storage tbody tr').evaluateAll((rows) => rows.reduce((n, r) => n + Number(r.dataset.uncopied), 0));
      assert.equal(uncopied, 0, 'every record has its paired-region copy now');

      // Rot the primary again: the pull authenticates it, rejects it, and serves the other copy.
      await p.fill('#rot-bit', '7');
      await p.click('#fault-bit-rot');
      await p.locator('#fault-list li[data-fault="2"]').waitFor();
      assert.equal(await p.locator('#fault-list li[data-fault="2"] .fault-text').textContent(),
        `bit rot: bit 7 of the Primary copy of ${layerKey}`);
      await verify();
      assert.equal(await row().locator('.verify-result').getAttribute('class'), 'verify-result ok');
      assert.match(await row().locator('.verify-result').textContent(), new RegExp(`^digest matches ✓ ${layerDigest}`));
      assert.equal(await statusOf(p), `Pulled ${layerDigest.slice(0, 19)} again: digest matches. Its primary copy has bit rot (fault 2): ` +
        'a damaged copy fails authentication and is never served, so these bytes came from a copy that passed it.');
      // The timeline (the first rot healed, the second active) and the status line.
      await p.evaluate(() => window.scrollTo(0, 0));
      const status = await p.locator('#status').boundingBox();
      await p.screenshot({ path: join(SHOTS, '30a-bit-rot-timeline.png'), fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(status.y + status.height + 8) } });
      const [download] = await Promise.all([p.waitForEvent('download'), row().locator('.pull-layer').click()]);
      assert.ok(readFileSync(await download.path()).equals(file), 'the exact bytes, from the intact copy');
      await p.locator('#region-panel').scrollIntoViewIfNeeded();
      await p.locator('#geo').screenshot({ path: join(SHOTS, '30-bit-rot-panel.png') });

      // Both copies rotted: nothing passes, nothing is served.
      await p.selectOption('#rot-copy', 'secondary');
      await p.click('#fault-bit-rot');
      await p.locator('#fault-list li[data-fault="3"]').waitFor();
      assert.equal(await p.locator('#fault-list li[data-fault="3"] .fault-text').textContent(),
        `bit rot: bit 7 of the Secondary copy of ${layerKey}`);
      await verify();
      assert.match(await row().locator('.verify-result').textContent(), /INTEGRITY_ERROR/);
    });

  });

  describe('scenarios, the oracle and the event log', () => {
    let p;
    const scenarioText = (name) => readFileSync(join(ROOT, 'www', 'scenarios', `${name}.json`), 'utf8');
    const scenarioOf = (name) => JSON.parse(scenarioText(name));
    before(async () => { p = await openPage('scenario page'); });
    after(async () => { await p?.close(); });

    /** Picks a built-in scenario, loads it after the warning, and waits for its panel. */
    const loadScenario = async (name) => {
      await p.locator(`#scenario-picker option[data-name="${name}"]`).waitFor({ state: 'attached' });
      const current = await p.locator('#registry-name').textContent();
      await p.selectOption('#scenario-picker', `${name}.json`);
      await p.click('#scenario-load');
      const dialog = p.locator('#scenario-dialog');
      await dialog.waitFor();
      assert.match(await dialog.textContent(), literal(`The current registry, ${current}, and everything in it is discarded`));
      assert.equal(await p.locator('#scenario-confirm').textContent(), `Discard ${current} and load`);
      await p.click('#scenario-confirm');
      await dialog.waitFor({ state: 'detached' });
      await p.locator(`#scenario[data-name="${name}"]`).waitFor();
    };
    /** The oracle panel read back in the shape of the JS API's `oracle()`. */
    const pageOracle = () => p.evaluate(() => {
      const n = (id) => Number(document.querySelector(id).dataset.n);
      const codes = (id) => Object.fromEntries([...document.querySelectorAll(`${id} li[data-code]`)]
        .map((li) => [li.dataset.code, Number(li.dataset.n)]));
      return {
        pushesOk: n('#oracle-pushes-ok'), pushesFailed: codes('#oracle-pushes-failed'),
        pullsOk: n('#oracle-pulls-ok'), pullsFailed: codes('#oracle-pulls-failed'),
        stalePulls: n('#oracle-stale-pulls'), wrongBytes: n('#oracle-wrong-bytes'),
        acknowledged: n('#oracle-acknowledged'), lostAcknowledged: n('#oracle-lost'),
        unavailableAcknowledged: n('#oracle-unavailable'), deletes: n('#oracle-deletes'),
        regions: [...document.querySelectorAll('#oracle-regions tbody tr')].map((tr) => {
          const cell = (col) => Number(tr.querySelector(`td[data-col="${col}"]`).dataset.n);
          return { region: tr.dataset.region, readable: cell('readable'), stale: cell('stale'),
            unavailable: cell('unavailable'), lost: cell('lost'), staleDeletes: cell('stale-deletes') };
        }),
      };
    });
    /** Waits until the oracle panel reports as of the clock now (it is computed after each move). */
    const oracleNow = async () => {
      const now = await p.locator('#clock-now').textContent();
      await p.locator('#oracle .hint', { hasText: `As of ${now}.` }).waitFor();
      return pageOracle();
    };

    it('region-outage from the picker, run to the end: the oracle shows exactly the scenario\'s expect block, every step ok', async () => {
      const scenario = scenarioOf('region-outage');
      await loadScenario('region-outage');
      assert.equal(await p.locator('#registry-name').textContent(), scenario.registry.name);
      assert.match(await statusOf(p), /^Loaded scenario region-outage \(region-outage\.json\): registry outage with 5 steps queued/);
      const rows = p.locator('#scenario-steps tbody tr');
      assert.equal(await rows.count(), scenario.steps.length);
      assert.equal(await p.locator('#scenario-title').textContent(), enText(scenario.title));
      assert.equal(await p.locator('#scenario .scenario-description').textContent(), enText(scenario.description));
      // Before the clock moves: every step is to come, the first marked next, at its virtual time.
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.state)),
        ['next', 'ahead', 'ahead', 'ahead', 'ahead']);
      assert.deepEqual(await rows.locator('td.at').evaluateAll((tds) => tds.map((td) => Number(td.dataset.ms))),
        scenario.steps.map((s) => s.atMs));
      assert.equal(await rows.nth(4).locator('.step-note').textContent(), enText(scenario.steps[4].note));

      await p.click('#scenario-run');
      await p.locator('#scenario[data-ended="true"]').waitFor({ timeout: 120_000 });
      await p.locator('#run-start').waitFor();
      assert.equal(await clockOf(p), scenario.runUntilMs);
      assert.equal(await p.locator('#scenario').getAttribute('data-played'), '5');
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => `${tr.dataset.state} ${tr.dataset.result}`)),
        Array(5).fill('done ok'));
      assert.equal(await rows.nth(4).locator('.step-action').textContent(),
        'fault: region northeurope goes dark');

      const oracle = await oracleNow();
      for (const [key, value] of Object.entries(scenario.expect.oracle)) {
        assert.deepEqual(oracle[key], value, key);
      }
      assert.equal(oracle.pushesOk, 238);
      assert.deepEqual(oracle.pushesFailed, { UNAVAILABLE: 2 });
      assert.equal(oracle.pullsOk, 476);
      assert.deepEqual(oracle.pullsFailed, { UNAVAILABLE: 3 });
      assert.equal(oracle.wrongBytes, 0);
      assert.equal(oracle.lostAcknowledged, 0);
      assert.equal(await p.locator('#oracle-wrong-bytes').evaluate((e) => e.closest('.oracle-figure').classList.contains('bad')), false);
      // The page played it in slices exactly as the engine plays it in one go.
      const engine = await p.evaluate((json) => window.stowage.Registry.runScenario(json), scenarioText('region-outage'));
      // The panel shows the count of lost pushes, not their list (empty here).
      const { lostPushes, ...engineOracle } = engine.oracle;
      assert.deepEqual(lostPushes, []);
      assert.deepEqual(oracle, engineOracle);
      assert.equal(await p.evaluate(() => window.stowage.page().eventLogHash()), scenario.expect.eventLogHash);
      assert.deepEqual(oracle.regions.map((r) => r.region), ['westeurope', 'northeurope']);
      // The stage shows the scenario's steps and the oracle beside the map: the window is the picture.
      await p.screenshot({ path: join(SHOTS, '25-scenario-region-outage.png') });
    });

    it('split-replica-push run to 30 minutes, then East US 2 goes dark from the map: the oracle matches the JS API replay exactly', async () => {
      const scenario = scenarioOf('split-replica-push');
      await loadScenario('split-replica-push');
      assert.equal(await p.locator('#registry-name').textContent(), scenario.registry.name);
      await runUntil(p, '00:30:00.000');
      assert.equal(await clockOf(p), 1_800_000);
      const before = await oracleNow();
      await openRegion(p, 'eastus2');
      await p.click('#fault-outage');
      await p.locator('#fault-list li[data-fault="1"][data-state="active"]').waitFor();
      assert.equal(await p.locator('#fault-list li[data-fault="1"] .fault-text').textContent(), 'region eastus2 goes dark');
      await runUntil(p, '01:00:00.000');
      assert.equal(await clockOf(p), 3_600_000);
      const afterOutage = await oracleNow();

      const replay = await p.evaluate((json) => {
        // The panel shows the count of lost pushes, not their list: compare without it.
        const counts = ({ lostPushes, ...o }) => o;
        const r = window.stowage.Registry.loadScenario(json);
        r.runFor(1_800_000);
        const before = counts(r.oracle());
        r.injectFault({ kind: 'regionOutage', region: 'eastus2', destroyed: false });
        r.runFor(1_800_000);
        return { before, after: counts(r.oracle()), hash: r.eventLogHash(), steps: r.scenario().done.length };
      }, scenarioText('split-replica-push'));
      assert.deepEqual(before, replay.before, 'at 30 minutes');
      assert.deepEqual(afterOutage, replay.after, 'after 30 minutes of outage');
      assert.equal(await p.evaluate(() => window.stowage.page().eventLogHash()), replay.hash);
      assert.equal(await p.locator('#scenario').getAttribute('data-played'), String(replay.steps));

      // The outage shows: requests refused with UNAVAILABLE, and East US 2 cannot serve what it holds.
      assert.equal(before.pushesFailed.UNAVAILABLE ?? 0, 0);
      assert.equal(before.pullsFailed.UNAVAILABLE ?? 0, 0);
      const unavailable = (afterOutage.pushesFailed.UNAVAILABLE ?? 0) + (afterOutage.pullsFailed.UNAVAILABLE ?? 0);
      assert.ok(unavailable > 0, JSON.stringify(afterOutage));
      const east2 = (o) => o.regions.find((r) => r.region === 'eastus2');
      assert.equal(east2(before).unavailable, 0);
      assert.ok(east2(afterOutage).unavailable + east2(afterOutage).stale > east2(before).stale, JSON.stringify(east2(afterOutage)));
      assert.ok(afterOutage.pushesOk > before.pushesOk);
      // The figures themselves (seed 7; the replay above checks them against the engine).
      assert.deepEqual([before.pushesOk, before.pushesFailed, before.pullsOk, before.pullsFailed], [22, { MANIFEST_BLOB_UNKNOWN: 13 }, 40, {}]);
      assert.deepEqual([afterOutage.pushesOk, afterOutage.pushesFailed, afterOutage.pullsOk, afterOutage.pullsFailed],
        [89, { MANIFEST_BLOB_UNKNOWN: 13, UNAVAILABLE: 6 }, 95, { UNAVAILABLE: 6 }]);
      assert.deepEqual(east2(before), { region: 'eastus2', readable: 22, stale: 0, unavailable: 0, lost: 0, staleDeletes: 0 });
      assert.deepEqual(east2(afterOutage), { region: 'eastus2', readable: 0, stale: 67, unavailable: 22, lost: 0, staleDeletes: 0 });
      assert.equal(await p.locator('#oracle-regions tr[data-region="eastus2"] td[data-col="unavailable"]').getAttribute('class'), 'num bad');
      console.log(`split-replica-push at 30 min: ${JSON.stringify(before)}`);
      console.log(`after 30 min of outage: ${JSON.stringify(afterOutage)}`);
      // The stage shows the scenario's steps and the oracle beside the map: the window is the picture.
      await p.screenshot({ path: join(SHOTS, '26-split-push-outage-oracle.png') });
    });

    it('the event log: filtered by region, then by text; virtualised over thousands; the bottom shows the newest', async () => {
      await p.click('#scenario-run');
      await p.locator('#scenario[data-ended="true"]').waitFor({ timeout: 120_000 });
      await p.locator('#run-start').waitFor();
      // More traffic from the console, a second apart: 100 images of 8 layers pushed in East
      // US, each replicated to East US 2 once the outage is healed.
      const end = await p.evaluate(() => {
        const r = window.stowage.page();
        r.healAll();
        for (let i = 0; i < 100; i++) {
          r.pushImage('console/load', `t${i}`, Array.from({ length: 8 },
            (_, l) => ({ name: `layer-${l}.txt`, bytes: new TextEncoder().encode(`image ${i}, layer ${l}`) })));
          r.runFor(1000);
        }
        r.runFor(600_000);
        return r.now();
      });
      await p.locator('#clock-now', { hasText: clock(end) }).waitFor();
      const all = await p.evaluate(() => window.stowage.page().events().map((e) => ({ seq: e.seq, kind: e.kind, region: e.region, text: e.text })));
      assert.ok(all.length > 3000, `${all.length} events kept`);
      console.log(`event log: ${all.length} events kept`);
      const count = p.locator('#events-count');
      // The page refreshes after the console's calls; on a loaded machine that can lag a render.
      await p.locator(`#events-count[data-kept="${all.length}"]`).waitFor();
      assert.equal(Number(await count.getAttribute('data-kept')), all.length);
      assert.equal(Number(await count.getAttribute('data-rows')), all.length);
      const rendered = p.locator('#events-scroll li');
      const renderedSeqs = () => rendered.evaluateAll((lis) => lis.map((li) => Number(li.dataset.seq)));
      assert.ok(await rendered.count() < 100, `${await rendered.count()} rows rendered of ${all.length}`);
      // Following the bottom: the newest event is the last row.
      assert.equal((await renderedSeqs()).at(-1), all.at(-1).seq);

      await p.selectOption('#events-region', 'eastus2');
      await p.locator('#events-count[data-rows]:not([data-rows="' + all.length + '"])').waitFor();
      const scroller = p.locator('#events-scroll');
      /** Scrolls the log from top to bottom a view at a time: every row rendered on the way. */
      const scrollThrough = () => scroller.evaluate(async (el) => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const seen = new Map();
        for (let top = 0; ; top += el.clientHeight) {
          el.scrollTop = top;
          await frame();
          for (const li of el.querySelectorAll('li')) {
            seen.set(Number(li.dataset.seq), { region: li.dataset.region, tag: li.querySelector('.region-tag').textContent, kind: li.dataset.kind, text: li.querySelector('.text').title });
          }
          if (top >= el.scrollHeight) break;
        }
        return [...seen.entries()].sort((a, b) => a[0] - b[0]);
      });
      const listed = await scrollThrough();
      const rowsEast2 = Number(await count.getAttribute('data-rows'));
      assert.equal(listed.length, rowsEast2, 'every row was seen once on the way down');
      assert.equal(await count.textContent(), `${grouped(rowsEast2)} of the ${grouped(all.length)} kept events match.`);
      for (const [seq, row] of listed) {
        assert.equal(row.region, 'eastus2', `#${seq}`);
        assert.equal(row.tag, 'eastus2', `#${seq}`);
      }
      // The page lists exactly the events the JS API says happened in eastus2.
      assert.deepEqual(listed.map(([seq]) => seq), all.filter((e) => e.region === 'eastus2').map((e) => e.seq));
      assert.ok(rowsEast2 > 1000 && rowsEast2 < all.length, `${rowsEast2} of ${all.length}`);
      await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await p.waitForFunction((seq) => [...document.querySelectorAll('#events-scroll li')].at(-1)?.dataset.seq === String(seq), listed.at(-1)[0]);
      let regions = await rendered.evaluateAll((lis) => lis.map((li) => li.dataset.region));
      assert.ok(regions.length > 0 && regions.length < 100);
      assert.deepEqual([...new Set(regions)], ['eastus2']);
      assert.deepEqual(await rendered.locator('.region-tag').evaluateAll((els) => [...new Set(els.map((e) => e.textContent))]), ['eastus2']);
      assert.equal((await renderedSeqs()).at(-1), listed.at(-1)[0]);

      const word = 'applied manifest';
      const narrowed = listed.filter(([, r]) => r.text.toLowerCase().includes(word)).map(([seq]) => ({ seq }));
      assert.ok(narrowed.length > 0 && narrowed.length < listed.length, `${narrowed.length} of ${listed.length}`);
      await p.fill('#events-filter', word);
      await p.locator(`#events-count[data-rows="${narrowed.length}"]`).waitFor();
      regions = await rendered.evaluateAll((lis) => lis.map((li) => li.dataset.region));
      assert.deepEqual([...new Set(regions)], ['eastus2']);
      for (const t of await rendered.locator('.text').evaluateAll((els) => els.map((e) => e.title))) {
        assert.ok(t.toLowerCase().includes(word), t);
      }
      // Scrolled to the top: the oldest match; back to the bottom: the newest.
      await scroller.evaluate((el) => { el.scrollTop = 0; });
      await p.waitForFunction((seq) => document.querySelector('#events-scroll li')?.dataset.seq === String(seq), narrowed[0].seq);
      await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await p.waitForFunction((seq) => [...document.querySelectorAll('#events-scroll li')].at(-1)?.dataset.seq === String(seq), narrowed.at(-1).seq);
      const last = rendered.last();
      const box = await last.boundingBox();
      const view = await scroller.boundingBox();
      assert.ok(box.y + box.height <= view.y + view.height + 1 && box.y >= view.y, 'the newest row is in view');
      await p.locator('#events').scrollIntoViewIfNeeded();
      await p.locator('#events').screenshot({ path: join(SHOTS, '27-event-log-filtered.png') });

      // Every region again, no text: all of them; the middle of the list renders only its window.
      await p.fill('#events-filter', '');
      await p.selectOption('#events-region', '');
      await p.locator(`#events-count[data-rows="${all.length}"]`).waitFor();
      await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
      await p.waitForFunction(() => {
        const lis = [...document.querySelectorAll('#events-scroll li')];
        return lis.length > 0 && Number(lis[0].dataset.seq) > 100;
      });
      const middle = await renderedSeqs();
      assert.ok(middle.length < 100);
      assert.deepEqual(middle, middle.map((_, i) => middle[0] + i), 'consecutive events, oldest first');
    });

    it('a damaged scenario file shows INVALID_ARGUMENT with the engine\'s message and leaves the registry as it was', async () => {
      const broken = '{"name": "bit-rot", "steps": [{"atMs": 0, "action": {"do": "addReplica"';
      await p.route('**/www/scenarios/bit-rot.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: broken }));
      const name = await p.locator('#registry-name').textContent();
      const now = await clockOf(p);
      const seq = await p.evaluate(() => window.stowage.page().events().at(-1).seq);
      const expected = await p.evaluate((json) => {
        try { window.stowage.Registry.loadScenario(json); return null; } catch (e) { return { code: e.code, message: e.message }; }
      }, broken);
      assert.equal(expected.code, 'INVALID_ARGUMENT');
      await p.selectOption('#scenario-picker', 'bit-rot.json');
      await p.click('#scenario-load');
      const error = p.locator('#scenario-error');
      await error.waitFor();
      assert.equal(await error.locator('.code').textContent(), 'INVALID_ARGUMENT');
      assert.match(await error.textContent(), /HTTP 400/);
      assert.match(await error.textContent(), literal(expected.message));
      assert.match(await error.textContent(), /bit-rot\.json was not loaded; the registry is as it was/);
      assert.equal(await p.locator('#error .code').textContent(), 'INVALID_ARGUMENT');
      assert.equal(await p.locator('#scenario-dialog').count(), 0, 'nothing to confirm');
      assert.equal(await p.locator('#registry-name').textContent(), name);
      assert.equal(await clockOf(p), now);
      assert.equal(await p.locator('#scenario').getAttribute('data-name'), 'split-replica-push');
      assert.equal(await p.evaluate(() => window.stowage.page().events().at(-1).seq), seq);
      await p.evaluate(() => window.scrollTo(0, 0));
      const box = await p.locator('#scenarios').boundingBox();
      await p.screenshot({ path: join(SHOTS, '28-scenario-damaged.png'), clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 8) } });

      // A file the server does not have: the fetch fails with its status, nothing changes either.
      await p.route('**/www/scenarios/bit-rot.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
      await p.click('#scenario-load');
      await p.locator('#scenario-error .code', { hasText: 'FETCH_FAILED' }).waitFor();
      assert.match(await error.textContent(), /HTTP 404 www\/scenarios\/bit-rot\.json answered HTTP 404/);
      assert.equal(await p.locator('#registry-name').textContent(), name);
      assert.equal(await p.locator('#scenario').getAttribute('data-name'), 'split-replica-push');
      await p.unroute('**/www/scenarios/bit-rot.json');
      // The browser logs the 404 this test asked for; it is not the page's error.
      const logged = pageErrors.findIndex((e) => e.startsWith('scenario page: Failed to load resource') && e.includes('404'));
      assert.ok(logged >= 0);
      pageErrors.splice(logged, 1);
    });

    it('partition-during-replication from the picker, run to the end: the final phase heals every fault and reports the convergence the expect block gives', async () => {
      const scenario = scenarioOf('partition-during-replication');
      assert.equal(scenario.convergeWithinMs, 600_000);
      assert.equal(scenario.expect.convergedAfterMs, 202);
      await loadScenario('partition-during-replication');
      const convergence = p.locator('#scenario-convergence');
      // Before the end: the panel says what the final phase will do.
      assert.equal(await convergence.getAttribute('data-converged'), 'pending');
      assert.equal(await convergence.textContent(),
        'At the end, a final phase heals every fault and runs until the replicas agree (within 10 minutes): "Run to the end" plays it.');

      await p.click('#scenario-run');
      await p.locator('#scenario[data-ended="true"]').waitFor({ timeout: 120_000 });
      await p.locator('#scenario-convergence[data-converged="true"]').waitFor({ timeout: 120_000 });
      await p.locator('#run-start').waitFor();
      assert.equal(await clockOf(p), scenario.runUntilMs);
      assert.equal(await convergence.getAttribute('data-after-ms'), String(scenario.expect.convergedAfterMs));
      assert.equal(await convergence.textContent(),
        `Final phase: every fault healed; the replicas agreed ${scenario.expect.convergedAfterMs} ms later.`);
      assert.match(await statusOf(p), literal(
        `Ran until ${clock(scenario.runUntilMs)}: the clock ran from 00:00:00.000 and `));
      assert.match(await statusOf(p), literal(
        `ran on the way. Final phase: every fault healed; the replicas agreed ${scenario.expect.convergedAfterMs} ms later.`));
      assert.equal(await p.locator('#scenario-converge').count(), 0, 'played: nothing left to offer');
      // Every fault is healed, and the engine reports the same phase as the JS API's own run.
      assert.deepEqual(await p.locator('#fault-list li').evaluateAll((lis) => lis.map((li) => li.dataset.state)), ['healed']);
      const engine = await p.evaluate((json) => window.stowage.Registry.runScenario(json), scenarioText('partition-during-replication'));
      assert.deepEqual(engine.convergence, { converged: true, afterMs: scenario.expect.convergedAfterMs, detail: null });
      assert.deepEqual(await p.evaluate(() => window.stowage.page().scenario().convergence), engine.convergence);
      const oracle = await oracleNow();
      for (const [key, value] of Object.entries(scenario.expect.oracle)) {
        assert.deepEqual(oracle[key], value, key);
      }
      await p.locator('#scenario').scrollIntoViewIfNeeded();
      await p.locator('#scenario').screenshot({ path: join(SHOTS, '31-scenario-convergence.png') });
    });

    it('a scenario run to its end by hand offers the final phase as a button, which plays it', async () => {
      const scenario = scenarioOf('partition-during-replication');
      await loadScenario('partition-during-replication');
      await runUntil(p, clock(scenario.runUntilMs));
      await p.locator('#scenario[data-ended="true"]').waitFor();
      const convergence = p.locator('#scenario-convergence');
      assert.equal(await convergence.getAttribute('data-converged'), 'pending');
      assert.equal(await convergence.locator('span').textContent(),
        'Final phase still to play: heal every fault, then run until the replicas agree (within 10 minutes).');
      assert.equal(await p.locator('#scenario-converge').textContent(), 'Play the final phase');
      await p.locator('#scenario').scrollIntoViewIfNeeded();
      await p.locator('#scenario').screenshot({ path: join(SHOTS, '31b-scenario-final-phase-button.png') });
      await p.click('#scenario-converge');
      await p.locator('#scenario-convergence[data-converged="true"]').waitFor();
      assert.equal(await convergence.textContent(),
        `Final phase: every fault healed; the replicas agreed ${scenario.expect.convergedAfterMs} ms later.`);
      assert.equal(await statusOf(p), `Final phase: every fault healed; the replicas agreed ${scenario.expect.convergedAfterMs} ms later.`);
      assert.equal(await p.locator('#scenario-converge').count(), 0);
    });
  });

  // ---- the guided story, the history scrubber and the keys ----

  describe('guided stories, the history scrubber and the keys', () => {
    const storyText = (name) => readFileSync(join(ROOT, 'www', 'scenarios', `${name}.json`), 'utf8');
    const storyOf = (name) => JSON.parse(storyText(name));
    /** A frame's text in English (a plain string, or `{en, nl, fr}`). */
    const en = (text) => (typeof text === 'string' ? text : text.en);
    const hashOf = (p) => p.evaluate(() => window.stowage.page().eventLogHash());
    const historyOf = (p) => p.evaluate(() => window.stowage.page().history());
    /** Which panels are drawn with the story's outline (solid, in --look's amber). */
    const outlined = (p) => p.evaluate((ids) => ids.filter((id) => {
      const el = document.getElementById(id);
      if (!el) return false;
      const s = getComputedStyle(el);
      return s.outlineStyle === 'solid' && s.outlineColor === 'rgb(245, 158, 11)';
    }), [...new Set(Object.values(LOOK_IDS))]);
    /** Picks a scenario in the picker (once the page knows whether it is guided) and loads it. */
    const loadStory = async (p, name) => {
      await p.locator(`#scenario-picker option[data-name="${name}"][data-guided="true"]`).waitFor({ state: 'attached' });
      await p.selectOption('#scenario-picker', `${name}.json`);
      await p.click('#scenario-load');
      await p.locator('#scenario-dialog').waitFor();
      await p.click('#scenario-confirm');
      await p.locator('#scenario-dialog').waitFor({ state: 'detached' });
      await p.locator(`#scenario[data-name="${name}"]`).waitFor();
      await p.locator('#story').waitFor();
    };
    /** Checks the story panel shows frame `i` of `story` as written, and outlines its panels. */
    const checkFrame = async (p, story, i) => {
      const frame = story.guide[i];
      await p.locator(`#story[data-frame="${i}"]`).waitFor();
      assert.equal(await p.locator('#story-frame').textContent(), `Frame ${i + 1} of ${story.guide.length}`);
      assert.equal(await p.locator('#story-at').textContent(), ` · at ${clock(frame.atMs)}`);
      assert.equal(await p.locator('#story-title').textContent(), en(frame.title));
      assert.equal(await storyTextOf(p), en(frame.text));
      assert.equal(await p.locator('#story').getAttribute('data-look'), lookIds(frame).join(' '));
      const drawn = await p.evaluate((ids) => ids.filter((id) => document.getElementById(id)), lookIds(frame));
      assert.deepEqual(drawn, lookIds(frame), `frame ${i + 1}: every panel it points at is on the page`);
      assert.deepEqual((await outlined(p)).sort(), drawn.sort(), `frame ${i + 1}: the panels it points at, and only those`);
      assert.equal(await clockOf(p), frame.atMs);
      assert.equal(await p.locator('#story-back').isDisabled(), i === 0);
    };

    it('untag-frees-nothing from the picker: Continue frame by frame to the end, each panel outlined; Back shows the frame before exactly as it was', async () => {
      const p = await openPage('story page');
      try {
        const story = storyOf('untag-frees-nothing');
        assert.equal(story.guide.length, 5);
        // The start screen invites the reader to pick a story; guided ones come first, marked.
        const start = p.locator('#start');
        await start.waitFor();
        assert.equal(await p.locator('#start-title').textContent(), 'Start with a story');
        const entry = p.locator('#start-list li[data-name="untag-frees-nothing"]');
        await p.locator('#start-list li[data-name="untag-frees-nothing"][data-guided="true"]').waitFor();
        assert.equal(await entry.locator('.guided-badge').textContent(), 'Guided · 5 frames');
        assert.equal(await entry.locator('.start-title').textContent(), en(story.title));
        const guidedFlags = await p.locator('#start-list li').evaluateAll((lis) => lis.map((li) => li.dataset.guided));
        assert.ok(guidedFlags.indexOf('false') === -1 || guidedFlags.lastIndexOf('true') < guidedFlags.indexOf('false'),
          'every guided story is listed before the other scenarios');
        assert.equal(await p.locator('#scenario-picker option[data-name="untag-frees-nothing"]').textContent(),
          `★ ${en(story.title)} (untag-frees-nothing) · 5 frames`);
        assert.equal(await p.locator('#scenario-picker option[data-name="bit-rot"]').getAttribute('data-guided'), 'false');
        await p.screenshot({ path: join(SHOTS, '40-story-start-screen.png') });

        await loadStory(p, 'untag-frees-nothing');
        assert.equal(await start.count(), 0, 'the start screen goes once a scenario is loaded');
        const seen = [];
        for (let i = 0; i < story.guide.length; i++) {
          if (i > 0) {
            const gap = story.guide[i].atMs - story.guide[i - 1].atMs;
            const speed = [1, 10, 60, 600].find((s) => gap / s <= 3000) ?? 0;
            const label = { 1: '×1', 10: '×10', 60: '×60', 600: '×600' }[speed];
            if (speed > 0) {
              assert.match(await p.locator('#story-how').textContent(),
                new RegExp(`^Continue plays the next .+ of virtual time at ${label} \\(about \\d+ seconds?\\), so you can watch it happen\\.$`));
            }
            await p.click('#story-continue');
            if (i === 4) {
              // 16 min 40 s at ×600: the run loop plays it (about 2 s), and the panel offers to skip.
              assert.equal(speed, 600);
              await p.locator(`#run-state[data-speed="600"][data-until="${story.guide[4].atMs}"]`).waitFor();
              await p.locator('#story-continue[data-playing="true"]').waitFor();
            }
          }
          await checkFrame(p, story, i);
          await p.locator('#run-start').waitFor();
          seen.push(await hashOf(p));
          await p.screenshot({ path: join(SHOTS, `41-story-frame-${i + 1}.png`) });
        }
        // The last frame: the story ends and the registry is the reader's.
        assert.equal(await p.locator('#story').getAttribute('data-ended'), 'true');
        assert.equal(await p.locator('#story-end').textContent(),
          'The story ends here: the registry is yours. Push, delete, fail a region or drag the history back: from now on it is a free sandbox.');
        assert.equal(await p.locator('#story-continue').isDisabled(), true);
        assert.equal(await statusOf(p), `Frame 5 of 5: ${en(story.guide[4].title)}. The story ends here: the registry is yours.`);
        // Following the story gave the scenario's own run (its runUntilMs is the last frame).
        assert.equal(story.runUntilMs, story.guide[4].atMs);
        assert.equal(seen[4], story.expect.eventLogHash);

        // Back: frame 4, with the registry exactly as it was when first there.
        await p.click('#story-back');
        await checkFrame(p, story, 3);
        assert.equal(await hashOf(p), seen[3]);
        assert.equal(await p.locator('#history').getAttribute('data-in-past'), 'true');
        assert.equal(await p.locator('#past-notice').textContent(),
          `Looking at ${clock(story.guide[3].atMs)} — the run goes on to ${clock(story.guide[4].atMs)}; doing anything here starts a new future from this moment.`);
        assert.equal(await p.locator('#story-how').textContent(),
          'Continue replays to the next frame at once: you are looking at the past.');
        await p.evaluate(() => window.scrollTo(0, 0));
        await p.screenshot({ path: join(SHOTS, '42-story-back-one-frame.png') });
        // Continue from the past replays to the last frame: nothing is dropped, no fork.
        await p.click('#story-continue');
        await checkFrame(p, story, 4);
        assert.equal(await hashOf(p), seen[4]);
        assert.equal(await p.locator('#history').getAttribute('data-in-past'), 'false');
        assert.equal((await historyOf(p)).fork, null);
        assert.equal(await p.locator('#fork-notice').count(), 0);

        // The ended story folds away, and its outline with it.
        await p.click('#story-hide');
        await p.locator('#story.collapsed #story-show[aria-expanded="false"]').waitFor();
        assert.equal(await p.locator('#story-frame').textContent(), 'Frame 5 of 5');
        assert.deepEqual(await outlined(p), []);
        await p.evaluate(() => window.scrollTo(0, 0));
        await p.screenshot({ path: join(SHOTS, '43-story-hidden.png'), clip: { x: 0, y: 0, width: 1280, height: 420 } });
        await p.click('#story-show');
        await p.locator('#story-hide[aria-expanded="true"]').waitFor();
      } finally {
        await p.close();
      }
    });

    it('the scrubber: dragged back, the page says it is in the past; a push there forks the run and says how many later actions the engine dropped', async () => {
      const p = await openPage('scrubber page');
      try {
        const story = storyOf('untag-frees-nothing');
        await loadStory(p, 'untag-frees-nothing');
        const scrubber = p.locator('#scrubber');
        assert.equal(await scrubber.isDisabled(), true, 'nothing to scrub before the clock moves');
        // Play the story to its end, remembering each frame's state.
        const seen = [await hashOf(p)];
        for (let i = 1; i < story.guide.length; i++) {
          await p.click('#story-continue');
          await p.locator(`#story[data-frame="${i}"]`).waitFor();
          await p.locator('#run-start').waitFor();
          seen.push(await hashOf(p));
        }
        const end = story.guide[4].atMs;
        assert.equal(await scrubber.getAttribute('max'), String(end));
        assert.equal(await scrubber.inputValue(), String(end));
        assert.equal(await p.locator('#scrub-present-time').textContent(), clock(end));

        // Dragged with the mouse: on release, the page shows the time under the thumb.
        await p.evaluate(() => window.scrollTo(0, 0));
        const box = await scrubber.boundingBox();
        await p.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
        await p.mouse.down();
        await p.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 8 });
        await p.locator('#scrub-preview').waitFor();
        await p.mouse.up();
        await p.locator('#history[data-in-past="true"]').waitFor();
        const dragged = Number(await scrubber.inputValue());
        assert.ok(dragged > 0 && dragged < end, `dragged to ${dragged}`);
        assert.equal(await clockOf(p), dragged);
        assert.equal((await historyOf(p)).nowMs, dragged);

        // To exactly 00:03:00.000 (the slider's own change event, as the keyboard gives it).
        const target = story.guide[2].atMs;
        await scrubber.evaluate((el, ms) => {
          el.value = String(ms);
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
        }, target);
        await p.locator('#clock-now', { hasText: clock(target) }).waitFor();
        assert.equal(await clockOf(p), target);
        assert.equal(await p.locator('#clock-now').textContent(), '00:03:00.000');
        assert.equal(await hashOf(p), seen[2], 'the registry as it was at 00:03:00.000');
        assert.equal(await p.locator('#past-notice').textContent(),
          'Looking at 00:03:00.000 — the run goes on to 00:21:40.000; doing anything here starts a new future from this moment.');
        assert.equal(await p.locator('#story-frame').textContent(), 'Frame 3 of 5');
        assert.match(await statusOf(p), /^Looking at the registry as it was at 00:03:00\.000, rebuilt from the run's checkpoints and log\. The run goes on to 00:21:40\.000/);
        const before = await historyOf(p);
        assert.deepEqual([before.inPast, before.nowMs, before.presentMs, before.fork], [true, target, end, null]);
        await p.locator('#scrub-present').waitFor();
        await p.evaluate(() => window.scrollTo(0, 0));
        await p.screenshot({ path: join(SHOTS, '44-scrubber-in-the-past.png'), clip: { x: 0, y: 0, width: 1280, height: 760 } });

        // A push here forks: the engine drops the old future and says how many calls it held.
        await p.locator('#story-hide').click();
        await pushSynthetic(p, 'web', 'v9', 1, 'MiB');
        const after = await historyOf(p);
        assert.equal(after.inPast, false);
        assert.equal(after.fork.atMs, target);
        const dropped = after.fork.droppedEntries;
        assert.ok(dropped >= 1 && dropped <= before.entries, `dropped ${dropped} of ${before.entries}`);
        const notice = p.locator('#fork-notice');
        await notice.waitFor();
        assert.equal(await notice.getAttribute('data-dropped'), String(dropped));
        assert.equal(await notice.getAttribute('data-at-ms'), String(target));
        assert.equal(await notice.locator('span').textContent(),
          `You changed the past at 00:03:00.000: the old future (${dropped} later action${dropped === 1 ? '' : 's'}) was dropped.`);
        assert.equal(await p.locator('#past-notice').count(), 0);
        assert.equal(await p.locator('#history').getAttribute('data-in-past'), 'false');
        const now = await clockOf(p);
        assert.ok(now > target, 'the push took upload time');
        assert.equal(await scrubber.getAttribute('max'), String(now), 'the new future is the run now');
        await p.evaluate(() => window.scrollTo(0, 0));
        await p.screenshot({ path: join(SHOTS, '45-scrubber-fork.png'), clip: { x: 0, y: 0, width: 1280, height: 760 } });
        // Shown once: dismissed, it stays away (the next action does not bring it back).
        await p.click('#fork-dismiss');
        await notice.waitFor({ state: 'detached' });
        await p.click('#advance-1m');
        await p.locator('#clock-now', { hasText: clock(now + 60_000) }).waitFor();
        assert.equal(await p.locator('#fork-notice').count(), 0);
      } finally {
        await p.close();
      }
    });

    it('keys: → runs the next job, ← steps back, ? lists the keys (Escape closes), + and - change the speed, space runs and pauses', async () => {
      const p = await openPage('keys page');
      try {
        const json = storyText('untag-frees-nothing');
        await loadStory(p, 'untag-frees-nothing');
        await p.click('#story-hide');
        await p.evaluate(() => document.activeElement?.blur());
        // The same moves on a registry of the JS API, for the exact times and states.
        const expected = await p.evaluate((text) => {
          const r = window.stowage.Registry.loadScenario(text);
          const steps = [];
          for (let i = 0; i < 2; i++) steps.push({ at: r.step(), now: r.now(), hash: r.eventLogHash() });
          const back = r.stepBack();
          return { steps, back: back.nowMs, backHash: r.eventLogHash() };
        }, json);
        assert.deepEqual(expected.steps.map((s) => s.at), [1000, 120000], 'the first jobs are the scenario steps at 1 s and 2 min');

        // → twice: each runs the next job, as the engine's step() does.
        for (const step of expected.steps) {
          await p.keyboard.press('ArrowRight');
          await p.locator(`#clock-now[data-ms="${step.now}"]`).waitFor();
          assert.equal(await hashOf(p), step.hash);
          assert.match(await statusOf(p), new RegExp(`^Ran the next job: the clock jumped to ${clock(step.now).replaceAll('.', '\\.')}`));
        }
        // ←: the registry as it was after the first (the history goes back one call at a time).
        await p.keyboard.press('ArrowLeft');
        await p.locator('#history[data-in-past="true"]').waitFor();
        assert.equal(expected.back, expected.steps[0].now);
        assert.equal(await clockOf(p), expected.back);
        assert.equal(await hashOf(p), expected.backHash);
        assert.equal(expected.backHash, expected.steps[0].hash);
        assert.equal(await statusOf(p),
          `Stepped back to ${clock(expected.back)}: the registry as it was then (the clock was at ${clock(expected.steps[1].now)}).`);
        await p.click('#scrub-present');
        await p.locator('#history[data-in-past="false"]').waitFor();
        assert.equal(await clockOf(p), expected.steps[1].now);
        await p.evaluate(() => document.activeElement?.blur());

        // ? lists the keys; Escape closes the list.
        await p.keyboard.press('?');
        const help = p.locator('#key-help');
        await help.waitFor();
        assert.equal(await help.getAttribute('role'), 'dialog');
        assert.deepEqual(await help.locator('.key-row kbd').allTextContents(), ['Space', '→', '←', '+', '−', '?', 'Escape']);
        assert.equal(await p.evaluate(() => document.activeElement.id), 'key-help-close');
        await p.screenshot({ path: join(SHOTS, '46-keys-help.png') });
        await p.keyboard.press('Escape');
        await help.waitFor({ state: 'detached' });
        // The button in the clock bar opens it too.
        await p.click('#key-help-open');
        await help.waitFor();
        await p.click('#key-help-close');
        await help.waitFor({ state: 'detached' });
        await p.evaluate(() => document.activeElement?.blur());

        // + and - move through the speeds the clock offers.
        assert.equal(await p.locator('#run-speed').inputValue(), '60');
        await p.keyboard.press('+');
        assert.equal(await p.locator('#run-speed').inputValue(), '600');
        assert.equal(await statusOf(p), 'Speed ×600: space runs the clock at it.');
        await p.keyboard.press('-');
        await p.keyboard.press('-');
        assert.equal(await p.locator('#run-speed').inputValue(), '10');
        await p.keyboard.press('+');
        assert.equal(await p.locator('#run-speed').inputValue(), '60');

        // Keys typed into a field are the field's.
        await p.click('#push-repo');
        await p.keyboard.press('End');
        await p.keyboard.press(' ');
        await p.keyboard.press('?');
        assert.equal(await p.inputValue('#push-repo'), 'demo/app ?');
        assert.equal(await p.locator('#run-start').count(), 1, 'space in a field does not run the clock');
        assert.equal(await p.locator('#key-help').count(), 0);
        await p.fill('#push-repo', 'demo/app');
        await p.evaluate(() => document.activeElement?.blur());

        // Space runs the clock at the speed chosen, and pauses it.
        const t = await clockOf(p);
        await p.keyboard.press(' ');
        await p.locator('#run-state[data-speed="60"]').waitFor();
        await p.waitForFunction((from) => Number(document.querySelector('#clock-now').dataset.ms) >= from + 12_000, t);
        await p.keyboard.press(' ');
        await p.locator('#run-start').waitFor();
        const paused = await clockOf(p);
        assert.ok(paused >= t + 12_000);
        assert.match(await statusOf(p), new RegExp(`^Paused at ${clock(paused).replaceAll('.', '\\.')}`));
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await clockOf(p), paused, 'paused: the clock stays');
      } finally {
        await p.close();
      }
    });

    it('a second guided story, tour, followed from the start screen with Continue to its end', async () => {
      const p = await openPage('tour page');
      try {
        const story = storyOf('tour');
        await p.locator('#start-list li[data-name="tour"][data-guided="true"]').waitFor();
        await p.click('#start-list li[data-name="tour"] .start-pick');
        await p.locator('#scenario-dialog').waitFor();
        await p.click('#scenario-confirm');
        await p.locator('#scenario[data-name="tour"]').waitFor();
        for (let i = 0; i < story.guide.length; i++) {
          if (i > 0) await p.click('#story-continue');
          await checkFrame(p, story, i);
          await p.locator('#run-start').waitFor();
          await p.screenshot({ path: join(SHOTS, `47-tour-frame-${i + 1}.png`) });
        }
        assert.equal(await p.locator('#story').getAttribute('data-ended'), 'true');
        await p.locator('#story-end').waitFor();
        assert.equal(await p.locator('#story-continue').isDisabled(), true);
        // The steps played (and refused) as the engine plays the scenario straight through.
        const results = await p.locator('#scenario-steps tbody tr[data-state="done"]').evaluateAll((trs) => trs.map((tr) => tr.dataset.result));
        const straight = await p.evaluate((json) => window.stowage.Registry.runScenario(json), storyText('tour'));
        assert.deepEqual(results, straight.steps.map((s) => s.result));
        assert.equal(await hashOf(p), straight.eventLogHash);
      } finally {
        await p.close();
      }
    });
  });

  it('raised no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
