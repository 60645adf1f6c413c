// End-to-end test of a newcomer's whole journey through a guided story (issue #5): open the page
// fresh, pick a story on the start screen, follow it with Continue to its last frame (checking at
// each frame what the page shows that makes the pain point visible), use the sandbox it leaves,
// scrub the history back (the slider, then ←), return to the present, and reload: the page
// restores the same state. Done for two stories with different pain points:
//
//   split-push-guided    a push split between two replicas fails with MANIFEST_BLOB_UNKNOWN
//   retention-surprises  the retention policy leaves untagged manifests stored and billed
//
// Also: a reload while looking at the past restores that moment with the run still ahead; → and
// space in the past follow the run already made (with the story hidden); in the tour, the story's
// keys (→, space, Page Down, ←, Page Up) move exactly one frame and nothing says playing after
// the end; and two defects found on the way, now fixed:
// the retention panel's form shows the policy a scenario turned on, and frame 3 of
// split-push-guided points at panels that show the refusal it talks about.
//
// The release build in dist/ (or $DIST) is served by scripts/serve.mjs and driven in headless
// Chromium by playwright-core, as in page.test.mjs and keep.test.mjs. Each journey runs in a
// browser context of its own, so IndexedDB starts empty. Screenshots go to
// target/e2e/story-<scenario>-*.png (one per frame: story-<scenario>-<n>.png).
//
//   scripts/build.sh && node --test tests/e2e/story.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_MS, bytesOf, clock, clockOf, en, hashOf, historyOf, literal, paths, site, statusOf, storyTextOf } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
/** The registry's garbage-collection delay (RegistryOptions::default().gc_delay). */
const GC_DELAY_MS = 10 * 60_000;

/** A digest as the engine shortens it: `sha256:` and 12 hex digits. */
const short = (d) => d.slice(0, 'sha256:'.length + 12);
const scenarioText = (name) => readFileSync(join(ROOT, 'www', 'scenarios', `${name}.json`), 'utf8');

// ---- what the page shows, read from the DOM ----

/** The oracle's push counts: ok, failed in total, and failed by code. */
const pushesOf = (p) => p.evaluate(() => ({
  ok: Number(document.querySelector('#oracle-pushes-ok').dataset.n),
  failed: Number(document.querySelector('#oracle-pushes-failed-total').dataset.n),
  byCode: Object.fromEntries([...document.querySelectorAll('#oracle-pushes-failed li[data-code]')]
    .map((li) => [li.dataset.code, Number(li.dataset.n)])),
}));
/** The event log's rows now rendered (the newest are in view), oldest first. */
const eventsOf = (p) => p.locator('#events li[data-seq]').evaluateAll((lis) => lis
  .map((li) => ({
    seq: Number(li.dataset.seq), region: li.dataset.region, kind: li.dataset.kind,
    atMs: Number(li.querySelector('.at').dataset.ms), text: li.querySelector('.text').title,
  }))
  .sort((a, b) => a.seq - b.seq));
/** The clients table: each client's region, DNS cache and DNS lookups. */
const clientsOf = (p) => p.locator('#client-table tr[data-client]').evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [
  tr.dataset.client,
  { region: tr.dataset.region, dnsCache: tr.dataset.dnsCache === 'true', lookups: Number(tr.dataset.lookups), runs: Number(tr.dataset.runs) },
])));
/** A repository's manifests as the (opened) catalog shows them: digest, tags, image and manifest bytes. */
const manifestsOf = (p, repo) => p.locator(`#catalog [data-repo="${repo}"] .manifest[data-digest]`).evaluateAll((ms) => ms.map((m) => ({
  digest: m.dataset.digest,
  tags: [...m.querySelectorAll('.tag[data-tag]')].map((t) => t.dataset.tag),
  imageBytes: Number(m.querySelector('.image-size').dataset.bytes),
  manifestBytes: Number(m.querySelector('.manifest-size').dataset.bytes),
})));
/** The retention panel's queue: digest and due time of each queued delete. */
const retentionQueueOf = (p) => p.locator('#retention-queue li[data-digest]').evaluateAll((lis) =>
  lis.map((li) => ({ digest: li.dataset.digest, dueMs: Number(li.dataset.dueMs) })));
/** A repository's summary line in the catalog (the page keeps each figure on one line with no-break spaces). */
const summaryOf = async (p, repo) =>
  (await p.locator(`#catalog [data-repo="${repo}"] .repo-head .summary`).textContent()).replace(/\u00a0/g, ' ');
const stepResultsOf = (p) => p.locator('#scenario-steps tbody tr[data-state="done"]').evaluateAll((trs) => trs.map((tr) => tr.dataset.result));

/** Sets the scrubber to `ms` as the slider does when moved and released (input, then change). */
const scrubTo = (p, ms) => p.locator('#scrubber').evaluate((el, v) => {
  el.value = String(v);
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}, ms);

// ---- the two stories: what each frame shows that makes its pain point visible ----

/**
 * split-push-guided: a runner without a DNS cache pushes six builds; a push's requests are routed
 * to either replica, and a manifest that lands where its config has not arrived yet is refused.
 */
const SPLIT = {
  name: 'split-push-guided',
  /** The frame the scrubber goes back to (the one where the oracle shows four failures). */
  scrubFrame: 3,
  frames: {
    0: async (p) => {
      // A single-region Premium registry in East US: no replica, no client, nothing pushed.
      assert.deepEqual(await p.locator('#replicas tbody tr[data-region]').evaluateAll((trs) => trs.map((t) => t.dataset.region)), ['eastus']);
      assert.deepEqual(await clientsOf(p), {});
      assert.deepEqual(await pushesOf(p), { ok: 0, failed: 0, byCode: {} });
    },
    1: async (p) => {
      // "The East US 2 replica went from Creating to Ready in two minutes."
      assert.equal(await p.locator('#replicas tr[data-region="eastus2"]').getAttribute('data-state'), 'ready');
      assert.deepEqual(await clientsOf(p), {
        cached: { region: 'westus', dnsCache: true, lookups: 0, runs: 0 },
        runner: { region: 'westus', dnsCache: false, lookups: 0, runs: 0 },
      });
    },
    2: async (p, ctx) => {
      // runner pushed api:b1: the first layer and the config to East US, the second layer (the
      // 7 bytes of "build 1") to East US 2, where the manifest was refused.
      const push = (await eventsOf(p)).filter((e) => e.atMs >= 240_000);
      assert.deepEqual(push.map((e) => [e.atMs, e.region, e.kind]), [
        [240_000, 'eastus', 'blobPushed'],
        [240_001, 'eastus2', 'blobPushed'],
        [240_002, 'eastus', 'blobPushed'],
        [240_003, 'eastus2', 'replicated'],
        [240_004, 'eastus', 'replicated'],
        [240_005, 'eastus2', 'replicated'],
      ]);
      assert.match(push[0].text, /^synthetic blob sha256:[0-9a-f]{12} \(4096 bytes\) pushed to api, sealed and stored$/);
      assert.match(push[1].text, /^blob sha256:[0-9a-f]{12} \(7 bytes\) pushed to api, sealed and stored$/);
      const config = Number(push[2].text.match(/^blob sha256:[0-9a-f]{12} \((\d+) bytes\) pushed to api, sealed and stored$/)[1]);
      ctx.configBytes = config;
      assert.equal(push.filter((e) => e.kind === 'manifestPushed').length, 0, 'no manifest was accepted');
      // The oracle counts one refused push; the catalog has nothing to list, yet the three blobs
      // the failed push left are stored and billed.
      assert.deepEqual(await pushesOf(p), { ok: 0, failed: 1, byCode: { MANIFEST_BLOB_UNKNOWN: 1 } });
      assert.equal(await p.locator('#catalog [data-repo]').count(), 0);
      assert.equal(await bytesOf(p, '#storage-used'), 4096 + 'build 1'.length + config);
      // The runner asked Traffic Manager once per request: two layers, the config, the manifest.
      assert.equal((await clientsOf(p)).runner.lookups, 4);
    },
    3: async (p, ctx) => {
      // "Four out of six": b1, b4, b5, b6 refused; b2 and b3 accepted.
      assert.deepEqual(await pushesOf(p), { ok: 2, failed: 4, byCode: { MANIFEST_BLOB_UNKNOWN: 4 } });
      assert.deepEqual(await stepResultsOf(p), ctx.story.expect.stepResults.slice(0, 9));
      assert.equal((await clientsOf(p)).runner.lookups, 6 * 4);
      assert.match(await summaryOf(p, 'api'), /^2 tags · 2 manifests · /);
    },
    4: async (p) => {
      // The retry of b1 is accepted: its blobs had been replicated by then.
      assert.deepEqual(await pushesOf(p), { ok: 3, failed: 4, byCode: { MANIFEST_BLOB_UNKNOWN: 4 } });
      const events = await eventsOf(p);
      assert.ok(events.some((e) => e.kind === 'manifestPushed' && e.atMs >= 330_000 && / pushed to api as :b1$/.test(e.text)),
        'the event log shows api:b1 accepted on the retry');
      assert.match(await summaryOf(p, 'api'), /^3 tags · 3 manifests · /);
    },
    5: async (p, ctx) => {
      // cached resolved the name once and sent everything to East US: three pushes, three successes.
      const { ok, failed, byCode } = await pushesOf(p);
      assert.deepEqual({ ok, failed, byCode }, { ok: ctx.story.expect.oracle.pushesOk, failed: 4, byCode: ctx.story.expect.oracle.pushesFailed });
      const clients = await clientsOf(p);
      assert.equal(clients.cached.lookups, 1, 'one DNS lookup for three pushes');
      assert.equal(clients.runner.lookups, 7 * 4, 'one DNS lookup per request');
      assert.match(await p.locator('#client-table tr[data-client="cached"]').textContent(), /eastus until 00:12:00\.000/);
      assert.match(await summaryOf(p, 'api'), /^6 tags · 6 manifests · /);
    },
    6: async (p, ctx) => {
      assert.deepEqual(await stepResultsOf(p), ctx.story.expect.stepResults);
      assert.match(await p.locator('#scenario-progress').textContent(), /^13 of 13 steps played, 4 refused; /);
    },
  },
  sandboxShot: '#clients',
  /** The story's last frame suggests a push from runner: done from the clients panel. */
  sandbox: async (p, ctx) => {
    const before = await pushesOf(p);
    // The clients table counts every run of runner, the story's pushes too, four of them refused
    // with MANIFEST_BLOB_UNKNOWN (the engine counts them, not the page, so a reload keeps them).
    const runner = p.locator('#client-table tr[data-client="runner"]');
    const counts = async () => ['data-runs', 'data-failed', 'data-manifest-blob-unknown']
      .map(async (a) => Number(await runner.getAttribute(a)));
    const [runs, failed, blobUnknown] = await Promise.all(await counts());
    assert.deepEqual([failed, blobUnknown], [before.byCode.MANIFEST_BLOB_UNKNOWN, before.byCode.MANIFEST_BLOB_UNKNOWN]);
    // The clients panel, opened beside the story from the list of panels.
    await p.click('#panel-list button[data-panel="clients"]');
    await p.selectOption('#client-pick', 'runner');
    await p.fill('#client-repo', 'api');
    await p.fill('#client-tag', 'mine');
    await p.click('#client-push');
    const report = p.locator('#client-report[data-client="runner"][data-op="push"]');
    await report.waitFor();
    assert.equal(await report.getAttribute('data-requests'), '4', 'two layers, the config and the manifest');
    // Each request routed on its own (the seed decides where): this push is split too, and its
    // manifest lands where the config is not: the pain point, reproduced by the reader.
    const requests = await report.locator('tr[data-region]').evaluateAll((trs) => trs.map((tr) => [tr.dataset.region, tr.dataset.error ?? null]));
    assert.equal(requests.length, 4);
    assert.equal(await report.getAttribute('data-error'), 'MANIFEST_BLOB_UNKNOWN');
    assert.deepEqual(requests[3], [requests[3][0], 'MANIFEST_BLOB_UNKNOWN'], 'the manifest is refused');
    assert.notEqual(requests[3][0], requests[2][0], 'the manifest went to another replica than the config');
    assert.deepEqual(requests.slice(0, 3).map((r) => r[1]), [null, null, null], 'the layers and the config were accepted');
    await p.locator(`#client-table tr[data-client="runner"][data-runs="${runs + 1}"][data-failed="${failed + 1}"]` +
      `[data-manifest-blob-unknown="${blobUnknown + 1}"]`).waitFor();
    const after = await pushesOf(p);
    assert.deepEqual(after, { ok: before.ok, failed: before.failed + 1, byCode: { MANIFEST_BLOB_UNKNOWN: before.byCode.MANIFEST_BLOB_UNKNOWN + 1 } },
      'the oracle counted the refused push');
    ctx.sandboxNote = `runner's push of api:mine: ${requests.map(([r, e]) => `${r}${e ? ` ${e}` : ''}`).join(', ')}`;
  },
  /** What must look the same after the reload. */
  figures: async (p) => ({
    pushes: await pushesOf(p),
    runner: await p.locator('#client-table tr[data-client="runner"]').evaluate((tr) =>
      [tr.dataset.runs, tr.dataset.failed, tr.dataset.manifestBlobUnknown]),
    used: await bytesOf(p, '#storage-used'),
    replicas: await p.locator('#replicas tbody tr[data-region]').evaluateAll((trs) => trs.map((t) => `${t.dataset.region} ${t.dataset.state}`)),
    lookups: Object.fromEntries(Object.entries(await clientsOf(p)).map(([name, c]) => [name, c.lookups])),
    api: await summaryOf(p, 'api'),
  }),
};

/**
 * retention-surprises: four releases of 20 MB; v1 is untagged before the retention policy is on
 * and stays billed forever; v2 is deleted a day after its untag; v3 is untagged but locked and stays.
 */
const RETENTION = {
  name: 'retention-surprises',
  scrubFrame: 4,
  /** Each release: its synthetic 20,000,000-byte layer, 13 bytes of "app release N", its config (237 bytes) and manifest (736 bytes). */
  imageBytes: 20_000_000 + 'app release 1'.length + 237 + 736,
  frames: {
    0: async (p) => {
      assert.equal(await p.locator('#catalog [data-repo]').count(), 0);
      assert.equal(await bytesOf(p, '#storage-used'), 0);
      assert.equal(await p.locator('#retention').getAttribute('data-enabled'), 'false');
    },
    1: async (p, ctx) => {
      // v1 lost its tag with no policy on: its manifest and its 20 MB stay, stored and billed.
      await p.locator('#catalog [data-repo="app"] .repo-toggle').click();
      await p.locator('#catalog [data-repo="app"] .manifest[data-digest]').first().waitFor();
      const manifests = await manifestsOf(p, 'app');
      assert.equal(manifests.length, 4);
      for (const m of manifests) assert.equal(m.imageBytes + m.manifestBytes, RETENTION.imageBytes, `${m.digest}: one release's bytes`);
      const byTag = (tag) => manifests.find((m) => m.tags.includes(tag))?.digest;
      ctx.d = { v1: manifests.find((m) => m.tags.length === 0).digest, v2: byTag('v2'), v3: byTag('v3'), v4: byTag('v4') };
      assert.equal(new Set(Object.values(ctx.d)).size, 4);
      assert.equal(ctx.d.v3, ctx.story.steps.find((s) => s.action.do === 'lock').action.reference, "the lock step names v3's manifest");
      assert.equal(await bytesOf(p, '#storage-used'), 4 * RETENTION.imageBytes, 'the untagged v1 is still billed');
      assert.equal(await bytesOf(p, '#storage-stored'), 4 * RETENTION.imageBytes);
      assert.match(await summaryOf(p, 'app'), /^3 tags · 4 manifests \(1 untagged\) · 12 blobs · /);
      const last = (await eventsOf(p)).at(-1);
      assert.deepEqual([last.atMs, last.text], [60_000, `app:v1 untagged; manifest ${short(ctx.d.v1)} stays stored and billed`]);
      assert.equal(await p.locator('#retention').getAttribute('data-enabled'), 'false');
    },
    2: async (p) => {
      // The policy is on, and v1, untagged before it, is not queued: it will stay forever.
      assert.equal(await p.locator('#retention').getAttribute('data-enabled'), 'true');
      assert.equal(await p.locator('#retention').getAttribute('data-days'), '1');
      assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '0');
      const last = (await eventsOf(p)).at(-1);
      assert.deepEqual([last.atMs, last.text], [120_000, 'retention policy enabled: manifests untagged from now on are deleted ' +
        '1 day(s) after untagging; manifests untagged earlier are never touched']);
    },
    3: async (p, ctx) => {
      // v3's manifest locked by digest against deletes; its tag is not locked.
      const last = (await eventsOf(p)).at(-1);
      assert.deepEqual([last.atMs, last.text], [180_000, `attributes of app@${ctx.d.v3} set: write on, delete off, read on, list on`]);
      assert.deepEqual((await manifestsOf(p, 'app')).find((m) => m.digest === ctx.d.v3).tags, ['v3']);
    },
    4: async (p, ctx) => {
      // v2 and v3 are queued, due a day after their untags; v1 is not in the queue at all.
      assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '2');
      assert.deepEqual(await retentionQueueOf(p), [
        { digest: ctx.d.v2, dueMs: 240_000 + DAY_MS },
        { digest: ctx.d.v3, dueMs: 300_000 + DAY_MS },
      ]);
      assert.match(await summaryOf(p, 'app'), /^1 tag · 4 manifests \(3 untagged\) · 12 blobs · /);
      assert.equal(await bytesOf(p, '#storage-used'), 4 * RETENTION.imageBytes, 'untagging freed nothing');
      assert.match(await p.locator('#story-how').textContent(), /^Continue jumps 23 h 58 min of virtual time at once \(too long to watch\)\.$/);
    },
    5: async (p, ctx) => {
      // A day later the policy deleted v2: 20 MB no longer billed, still stored until the reclaim.
      assert.equal(await bytesOf(p, '#storage-used'), 3 * RETENTION.imageBytes);
      assert.equal(await bytesOf(p, '#storage-stored'), 4 * RETENTION.imageBytes);
      assert.equal(await p.locator('#gc-backlog').getAttribute('data-jobs'), '4', 'the manifest, its config and its two layers await the reclaim');
      const events = (await eventsOf(p)).filter((e) => e.atMs === 240_000 + DAY_MS);
      assert.equal(events[0].text, `retention policy deleted untagged manifest app@${short(ctx.d.v2)}`);
      const released = events.map((e) => e.text.match(/billing for its (\d+) bytes stops now; garbage collection reclaims the space at (.+)$/))
        .filter(Boolean);
      assert.equal(released.reduce((sum, m) => sum + Number(m[1]), 0), RETENTION.imageBytes, 'one release released');
      assert.deepEqual([...new Set(released.map((m) => m[2]))], [clock(240_000 + DAY_MS + GC_DELAY_MS)]);
      assert.deepEqual(await retentionQueueOf(p), [{ digest: ctx.d.v3, dueMs: 300_000 + DAY_MS }]);
      assert.deepEqual((await manifestsOf(p, 'app')).map((m) => m.digest).sort(), [ctx.d.v1, ctx.d.v3, ctx.d.v4].sort());
    },
    6: async (p, ctx) => {
      // v3's delete came due and the policy kept it: it is locked. Three of four manifests, 60 MB billed.
      const last = (await eventsOf(p)).at(-1);
      assert.deepEqual([last.atMs, last.text],
        [300_000 + DAY_MS, `retention policy kept app@${short(ctx.d.v3)}: it is locked (deleteEnabled or writeEnabled is false)`]);
      assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '0');
      assert.deepEqual((await manifestsOf(p, 'app')).map((m) => m.digest).sort(), [ctx.d.v1, ctx.d.v3, ctx.d.v4].sort());
      assert.equal(await bytesOf(p, '#storage-used'), 3 * RETENTION.imageBytes);
      assert.equal(3 * RETENTION.imageBytes, 60_002_958);
    },
    7: async (p) => {
      // Garbage collection has reclaimed v2's bytes: stored equals billed again.
      assert.equal(await bytesOf(p, '#storage-used'), 3 * RETENTION.imageBytes);
      assert.equal(await bytesOf(p, '#storage-stored'), 3 * RETENTION.imageBytes);
      assert.equal(await p.locator('#gc-backlog').getAttribute('data-jobs'), '0');
    },
  },
  sandboxShot: '#retention',
  /** The last frame suggests untagging v4 and looking at the retention panel. */
  sandbox: async (p, ctx) => {
    const now = await clockOf(p);
    await p.locator('#catalog [data-repo="app"] .tag[data-tag="v4"] .untag').click();
    await p.click('#confirm-yes');
    await p.locator('#catalog [data-repo="app"] .tag[data-tag="v4"]').waitFor({ state: 'detached' });
    assert.deepEqual(await retentionQueueOf(p), [{ digest: ctx.d.v4, dueMs: now + DAY_MS }], 'queued for a day from now');
    assert.equal(await bytesOf(p, '#storage-used'), 3 * RETENTION.imageBytes, 'the untag freed nothing');
    ctx.sandboxNote = `untagged v4 at ${clock(now)}, its delete due at ${clock(now + DAY_MS)}`;
  },
  figures: async (p) => ({
    used: await bytesOf(p, '#storage-used'),
    stored: await bytesOf(p, '#storage-stored'),
    retention: [await p.locator('#retention').getAttribute('data-enabled'), await p.locator('#retention').getAttribute('data-days')],
    queue: await retentionQueueOf(p),
    summary: await summaryOf(p, 'app'),
  }),
};

describe('a newcomer follows a guided story to its end, scrubs back and reloads', { timeout: 400_000 }, () => {
  const web = site({ root: ROOT, dist: DIST });
  /** A fresh browser context (its own, empty IndexedDB) with the page open and mounted. */
  const openFresh = () => web.open();
  /** A screenshot of the window: as the page scrolled it (`at` undefined), at the top (`'top'`), or
   *  with the element `at` in the middle. */
  const shot = async (p, name, at) => {
    if (at === 'top') await p.evaluate(() => window.scrollTo(0, 0));
    else if (at) await p.locator(at).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await p.screenshot({ path: join(SHOTS, name) });
  };
  /** The start screen of a fresh page, then a click on the story's entry and on the dialog's confirmation. */
  const pickFromStartScreen = async (p, story, name) => {
    assert.equal(await p.locator('#session-opened').count(), 0, 'nothing was saved in this browser before');
    assert.equal(await p.locator('#session-saved').textContent(), 'Not saved in this browser yet.');
    await p.locator('#start').waitFor();
    assert.equal(await p.locator('#start-title').textContent(), 'Start with a story');
    const entry = p.locator(`#start-list li[data-name="${name}"][data-guided="true"]`);
    await entry.waitFor();
    assert.equal(await entry.locator('.guided-badge').textContent(), `Guided · ${story.guide.length} frames`);
    assert.equal(await entry.locator('.start-title').textContent(), en(story.title));
    await shot(p, `story-${name}-start.png`, '#start');
    await entry.locator('.start-pick').click();
    const dialog = p.locator('#scenario-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('data-file'), `${name}.json`);
    assert.equal(await p.locator('#scenario-dialog-title').textContent(), `Load scenario ${name}`);
    assert.match(await dialog.textContent(), new RegExp(literal(`(${name}.json, ${story.steps.length} steps)`)));
    await p.click('#scenario-confirm');
    await dialog.waitFor({ state: 'detached' });
    await p.locator(`#scenario[data-name="${name}"]`).waitFor();
    await p.locator('#story[data-frames]').waitFor();
    assert.equal(await p.locator('#start').count(), 0, 'the start screen goes once a story is picked');
    assert.equal(await p.locator('#scenario-picker').inputValue(), `${name}.json`, 'the picker shows the story playing');
  };
  /** The story panel shows frame `i` of `story` as written, at its time. */
  const checkFrame = async (p, story, i) => {
    const frame = story.guide[i];
    const n = story.guide.length;
    await p.locator(`#story[data-frame="${i}"]`).waitFor();
    assert.equal(await p.locator('#story').getAttribute('data-frames'), String(n));
    assert.equal(await p.locator('#story-frame').textContent(), `Frame ${i + 1} of ${n}`);
    assert.equal(await p.locator('#story-at').textContent(), ` · at ${clock(frame.atMs)}`);
    assert.equal(await p.locator('#story-title').textContent(), en(frame.title));
    assert.equal(await storyTextOf(p), en(frame.text));
    assert.equal(await clockOf(p), frame.atMs);
    assert.equal(await p.locator('#story-back').isDisabled(), i === 0);
    assert.equal(await p.locator('#story').getAttribute('data-ended'), String(i === n - 1));
    if (i > 0) {
      // (Frame 1 is shown with the load's own message, checked by the caller.)
      assert.equal(await statusOf(p),
        `Frame ${i + 1} of ${n}: ${en(frame.title)}.${i === n - 1 ? ' The story ends here: the registry is yours.' : ''}`);
    }
  };

  /** The whole journey through one story; returns what it measured, for the log. */
  const journey = async (spec) => {
    const t0 = Date.now();
    const { name } = spec;
    const story = JSON.parse(scenarioText(name));
    const n = story.guide.length;
    assert.equal(n, { 'split-push-guided': 7, 'retention-surprises': 8 }[name], 'the frames of the story as written');
    assert.equal(story.runUntilMs, story.guide[n - 1].atMs, 'the story ends where the scenario does');
    const ctx = { story };
    const p = await openFresh();

    // 1. A newcomer picks the story on the start screen.
    await pickFromStartScreen(p, story, name);
    assert.equal(await statusOf(p), `Loaded scenario ${name} (${name}.json): registry ${story.registry.name} with ` +
      `${story.steps.length} steps queued at their virtual times. Run the clock to play it, until ${clock(story.runUntilMs)}.`);

    // 2. Continue, frame by frame, to the last.
    const hashes = [];
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        const gap = story.guide[i].atMs - story.guide[i - 1].atMs;
        const how = await p.locator('#story-how').textContent();
        if (gap > 600 * 3000) assert.match(how, /^Continue jumps .+ of virtual time at once \(too long to watch\)\.$/);
        else assert.match(how, /^Continue plays the next .+ of virtual time at ×\d+ \(about \d+ seconds?\), so you can watch it happen\.$/);
        await p.click('#story-continue');
        await p.locator(`#story[data-frame="${i}"]`).waitFor({ timeout: 30_000 });
      }
      await p.locator('#run-start').waitFor({ timeout: 30_000 });
      await checkFrame(p, story, i);
      await spec.frames[i]?.(p, ctx);
      hashes.push(await hashOf(p));
      await shot(p, `story-${name}-${i + 1}.png`);
    }
    const storyMs = Date.now() - t0;

    // 3. The story is over; the registry is the reader's sandbox, in the scenario's end state.
    assert.equal(hashes[n - 1], story.expect.eventLogHash, "following the story gave the scenario's own run");
    assert.equal(await p.locator('#story-end').textContent(),
      'The story ends here: the registry is yours. Push, delete, fail a region or drag the history back: from now on it is a free sandbox.');
    assert.equal(await p.locator('#story-continue').isDisabled(), true);
    assert.equal(await p.locator('#story-how').textContent(), 'No frame is left. Hide the story to have the whole page.');
    assert.equal(await p.locator('#scenario').getAttribute('data-ended'), 'true');
    assert.equal(await p.locator('#scenario').getAttribute('data-played'), String(story.steps.length));
    const end = story.runUntilMs;
    // The clock responds: one minute on.
    await p.click('#advance-1m');
    await p.locator(`#clock-now[data-ms="${end + 60_000}"]`).waitFor();
    assert.match(await statusOf(p), new RegExp(`^Moved the clock forward 1 minute to ${literal(clock(end + 60_000))}`));
    // And what the last frame suggests works.
    await spec.sandbox(p, ctx);
    const h = await hashOf(p);
    const ms = await clockOf(p);
    assert.notEqual(h, story.expect.eventLogHash, 'the sandbox action changed the registry');
    const present = await historyOf(p);
    assert.deepEqual([present.inPast, present.nowMs, present.presentMs, present.fork], [false, ms, ms, null]);
    assert.equal(await p.locator('#scrubber').getAttribute('max'), String(ms));
    await shot(p, `story-${name}-sandbox.png`, spec.sandboxShot);

    // 4. Scrub back: drag the slider, then set it to a frame's time; then ←; then the present.
    // What ← should give, from the engine on a copy of this session.
    const k = spec.scrubFrame;
    const target = story.guide[k].atMs;
    const expected = await p.evaluate((t) => {
      const r = window.stowage.Registry.loadSession(window.stowage.page().saveSession());
      r.travelTo(t);
      const back = r.stepBack();
      return { nowMs: back.nowMs, hash: r.eventLogHash() };
    }, target);
    assert.ok(expected.nowMs < target, `← from ${target} goes back to ${expected.nowMs}`);

    const scrubber = p.locator('#scrubber');
    await p.evaluate(() => window.scrollTo(0, 0));
    const box = await scrubber.boundingBox();
    await p.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
    await p.mouse.down();
    await p.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 6 });
    await p.mouse.up();
    await p.locator('#history[data-in-past="true"]').waitFor();
    const dragged = Number(await scrubber.inputValue());
    assert.ok(dragged > 0 && dragged < ms, `dragged to ${dragged}`);
    assert.equal(await clockOf(p), dragged);
    assert.notEqual(await hashOf(p), h);

    await scrubTo(p, target);
    await p.locator(`#clock-now[data-ms="${target}"]`).waitFor();
    assert.equal(await hashOf(p), hashes[k], `the registry as it was at frame ${k + 1}`);
    assert.equal(await p.locator('#story-frame').textContent(), `Frame ${k + 1} of ${n}`);
    assert.equal(await p.locator('#past-notice').textContent(),
      `Looking at ${clock(target)} — the run goes on to ${clock(ms)}; doing anything here starts a new future from this moment.`);
    assert.equal(await statusOf(p), `Looking at the registry as it was at ${clock(target)}, rebuilt from the run's checkpoints ` +
      `and log. The run goes on to ${clock(ms)}; doing anything here starts a new future from this moment.`);
    assert.equal(await scrubber.inputValue(), String(target));
    await shot(p, `story-${name}-past.png`, 'top');

    // ← with the story hidden steps back one event (while the story is shown it goes back a
    // frame, as the tour's test below checks).
    await p.click('#story-hide');
    await p.locator('#story[data-hidden="true"]').waitFor();
    await p.evaluate(() => document.activeElement?.blur());
    await p.keyboard.press('ArrowLeft');
    await p.locator(`#clock-now[data-ms="${expected.nowMs}"]`).waitFor();
    assert.equal(await hashOf(p), expected.hash);
    assert.equal(await statusOf(p),
      `Stepped back to ${clock(expected.nowMs)}: the registry as it was then (the clock was at ${clock(target)}).`);
    assert.equal(await p.locator('#history').getAttribute('data-in-past'), 'true');
    assert.equal(await p.locator('#past-notice').textContent(),
      `Looking at ${clock(expected.nowMs)} — the run goes on to ${clock(ms)}; doing anything here starts a new future from this moment.`);
    const backFrame = story.guide.findLastIndex((f) => f.atMs <= expected.nowMs);
    assert.equal(await p.locator('#story-frame').textContent(), `Frame ${backFrame + 1} of ${n}`);
    await p.click('#story-show');
    await p.locator('#story[data-ended]').waitFor();

    await p.click('#scrub-present');
    await p.locator('#history[data-in-past="false"]').waitFor();
    assert.equal(await clockOf(p), ms);
    assert.equal(await hashOf(p), h, 'back at the present, the registry is as it was before looking back');
    assert.equal(await statusOf(p), `Back at the present: ${clock(ms)}, the end of the run.`);
    assert.deepEqual(await historyOf(p), present, 'nothing was dropped, no fork');
    assert.equal(await p.locator('#past-notice').count(), 0);
    assert.equal(await p.locator('#fork-notice').count(), 0);
    assert.equal(await p.locator('#story-frame').textContent(), `Frame ${n} of ${n}`);
    assert.equal(await p.locator('#story').getAttribute('data-ended'), 'true');
    const figures = await spec.figures(p);

    // 5. Wait for the save of this very state, then reload.
    const saved = p.locator(`#session-saved[data-hash="${h}"][data-now-ms="${ms}"]`);
    await saved.waitFor({ state: 'attached' });
    const actions = Number(await saved.getAttribute('data-actions'));
    assert.equal(actions, present.entries, 'every action of the run is saved');
    assert.match(await saved.textContent(), new RegExp(`^Saved in this browser at \\d\\d:\\d\\d:\\d\\d: .+; ${actions} actions, ` +
      `virtual time ${literal(clock(ms))}\\.$`));
    await p.reload();
    await p.locator('#registry-name').waitFor();
    const restored = `Restored your session: ${actions} actions, virtual time ${clock(ms)}.`;
    await p.locator('#session-opened.ok', { hasText: restored }).waitFor({ state: 'attached', timeout: 30_000 });
    assert.match(await p.locator('#session-opened').textContent(), new RegExp(`^${literal(restored)} Replayed in \\d+ ms\\.$`));
    assert.equal(await statusOf(p), restored);
    assert.equal(await hashOf(p), h);
    assert.equal(await clockOf(p), ms);
    assert.deepEqual(await historyOf(p), present, 'the whole run is there, at its present');
    assert.equal(await p.locator('#start').count(), 0);
    assert.equal(await p.locator('#scenario').getAttribute('data-name'), name);
    await p.waitForFunction((f) => document.querySelector('#scenario-picker')?.value === f, `${name}.json`);
    assert.equal(await p.locator('#story-frame').textContent(), `Frame ${n} of ${n}`);
    assert.equal(await p.locator('#story').getAttribute('data-ended'), 'true');
    assert.deepEqual(await spec.figures(p), figures, 'the page shows the same figures');
    await shot(p, `story-${name}-reloaded.png`, 'top');
    await shot(p, `story-${name}-reloaded-session.png`, '#session-opened');
    // The history came back too: the scrubber rebuilds the same past.
    await scrubTo(p, target);
    await p.locator(`#clock-now[data-ms="${target}"]`).waitFor();
    assert.equal(await hashOf(p), hashes[k]);
    await p.click('#scrub-present');
    await p.locator('#history[data-in-past="false"]').waitFor();
    assert.equal(await hashOf(p), h);
    await p.context().close();
    return { storyMs, totalMs: Date.now() - t0, sandbox: ctx.sandboxNote, dragged, back: expected.nowMs, actions };
  };

  for (const spec of [SPLIT, RETENTION]) {
    it(`${spec.name}: picked on the start screen, followed to its last frame, scrubbed back and reloaded intact`, { timeout: 90_000 }, async () => {
      const r = await journey(spec);
      console.log(`# ${spec.name}: story ${(r.storyMs / 1000).toFixed(1)} s, whole journey ${(r.totalMs / 1000).toFixed(1)} s; ` +
        `${r.sandbox}; dragged to ${clock(r.dragged)}, ← to ${clock(r.back)}; ${r.actions} actions saved and restored`);
    });
  }

  it('a reload while looking at the past restores that moment, and the run ahead of it', { timeout: 90_000 }, async () => {
    const story = JSON.parse(scenarioText(SPLIT.name));
    const p = await openFresh();
    await pickFromStartScreen(p, story, SPLIT.name);
    await p.click('#scenario-run');
    await p.locator('#scenario[data-ended="true"]').waitFor({ state: 'attached', timeout: 30_000 });
    await p.locator('#run-start').waitFor();
    const end = story.runUntilMs;
    assert.equal(await clockOf(p), end);
    const h = await hashOf(p);
    assert.equal(h, story.expect.eventLogHash);
    const { entries } = await historyOf(p);
    await p.locator(`#session-saved[data-hash="${h}"][data-now-ms="${end}"]`).waitFor({ state: 'attached' });
    // Look back and do nothing there ("nothing is lost until you do something there"); once the
    // page has saved what it shows, reload.
    const target = story.guide[SPLIT.scrubFrame].atMs;
    await scrubTo(p, target);
    await p.locator(`#history[data-in-past="true"][data-now-ms="${target}"]`).waitFor();
    const past = await hashOf(p);
    const saved = p.locator(`#session-saved[data-hash="${past}"][data-now-ms="${target}"]`);
    await saved.waitFor({ state: 'attached' });
    const actions = await saved.getAttribute('data-actions');
    await p.reload();
    await p.locator('#registry-name').waitFor();
    const restored = `Restored your session: ${actions} actions, virtual time ${clock(target)}.`;
    await p.locator('#session-opened.ok', { hasText: restored }).waitFor({ state: 'attached', timeout: 30_000 });
    // The page opens where the reader was looking, with the run still ahead of it.
    assert.deepEqual(await historyOf(p), { nowMs: target, presentMs: end, inPast: true, entries, fork: null });
    assert.equal(await hashOf(p), past);
    assert.equal(await p.locator('#past-notice').textContent(),
      `Looking at ${clock(target)} — the run goes on to ${clock(end)}; doing anything here starts a new future from this moment.`);
    assert.equal(await p.locator('#story-frame').textContent(), `Frame ${SPLIT.scrubFrame + 1} of ${story.guide.length}`);
    await shot(p, 'story-reload-in-the-past.png', 'top');
    await p.click('#scrub-present');
    await p.locator('#history[data-in-past="false"]').waitFor();
    assert.equal(await clockOf(p), end);
    assert.equal(await hashOf(p), h, 'the run after that moment was kept');
    assert.equal(await p.locator('#story').getAttribute('data-ended'), 'true');
  });

  it('in the past, → steps forward along the run and space plays it back to its end, dropping nothing', { timeout: 90_000 }, async () => {
    const story = JSON.parse(scenarioText(SPLIT.name));
    const p = await openFresh();
    await pickFromStartScreen(p, story, SPLIT.name);
    await p.click('#scenario-run');
    await p.locator('#scenario[data-ended="true"]').waitFor({ state: 'attached', timeout: 30_000 });
    await p.locator('#run-start').waitFor();
    const end = story.runUntilMs;
    const h = await hashOf(p);
    const { entries } = await historyOf(p);
    const target = story.guide[SPLIT.scrubFrame].atMs;
    await scrubTo(p, target);
    await p.locator(`#history[data-in-past="true"][data-now-ms="${target}"]`).waitFor();
    // What three steps forward give, from the engine on a copy of this session.
    const expected = await p.evaluate((t) => {
      const r = window.stowage.Registry.loadSession(window.stowage.page().saveSession());
      r.travelTo(t);
      return [1, 2, 3].map(() => { const v = r.stepForward(); return { nowMs: v.nowMs, hash: r.eventLogHash() }; });
    }, target);
    assert.ok(expected[0].nowMs > target && expected[2].nowMs > expected[0].nowMs, JSON.stringify(expected));
    // With the story hidden: while it is shown, → and space continue it instead (the tour's test below).
    await p.click('#story-hide');
    await p.locator('#story[data-hidden="true"]').waitFor();
    await p.evaluate(() => document.activeElement?.blur());
    for (const [i, step] of expected.entries()) {
      if (i === 0) await p.keyboard.press('ArrowRight'); else await p.click('#scrub-forward');
      await p.locator(`#clock-now[data-ms="${step.nowMs}"]`).waitFor();
      assert.equal(await hashOf(p), step.hash, `step ${i + 1} forward`);
      assert.equal(await statusOf(p), `Stepped forward to ${clock(step.nowMs)} along the run (from ` +
        `${clock(i === 0 ? target : expected[i - 1].nowMs)}): nothing is dropped; the run goes on to ${clock(end)}.`);
      assert.deepEqual(await historyOf(p), { nowMs: step.nowMs, presentMs: end, inPast: true, entries, fork: null });
    }
    await shot(p, 'story-step-forward.png', 'top');
    // Space plays the rest back at the chosen speed and stops at the present, nothing dropped.
    await p.evaluate(() => document.activeElement?.blur());
    await p.keyboard.press(' ');
    await p.locator('#history[data-in-past="false"]').waitFor({ timeout: 30_000 });
    assert.equal(await clockOf(p), end);
    assert.equal(await hashOf(p), h, 'played back to exactly the run it was');
    assert.deepEqual(await historyOf(p), { nowMs: end, presentMs: end, inPast: false, entries, fork: null });
    assert.equal(await statusOf(p),
      `Played back to the end of the run, ${clock(end)}: this is the present again. Run the clock to go on.`);
    assert.equal(await p.locator('#fork-notice').count(), 0);
  });

  it('split-push-guided, frame 3: the panels it points at show the refused push', {
    timeout: 60_000,
  }, async () => {
    const story = JSON.parse(scenarioText(SPLIT.name));
    const p = await openFresh();
    await pickFromStartScreen(p, story, SPLIT.name);
    for (let i = 1; i <= 2; i++) {
      await p.click('#story-continue');
      await p.locator(`#story[data-frame="${i}"]`).waitFor({ timeout: 30_000 });
    }
    await p.locator('#run-start').waitFor();
    // The frame points at the scenario's steps (where the refusal and its code are) and the event
    // log (where the layers went); one of them shows that api:b1 was refused (for the scenario
    // panel: its steps table, since its description names the code in any case).
    const ids = (await p.locator('#story').getAttribute('data-look')).split(' ');
    const shown = await p.evaluate((ids) => ids.map((id) => {
      const el = document.getElementById(id);
      return (id === 'scenario' ? el?.querySelector('#scenario-steps') : el)?.textContent ?? '';
    }).join('\n'), ids);
    assert.match(shown, /MANIFEST_BLOB_UNKNOWN/, `the panels pointed at (${ids.join(', ')}) do not show the refusal`);
  });

  it("retention-surprises, frame 3: the retention panel's form shows the policy in force", {
    timeout: 60_000,
  }, async () => {
    const story = JSON.parse(scenarioText(RETENTION.name));
    const p = await openFresh();
    await pickFromStartScreen(p, story, RETENTION.name);
    for (let i = 1; i <= 2; i++) {
      await p.click('#story-continue');
      await p.locator(`#story[data-frame="${i}"]`).waitFor({ timeout: 30_000 });
    }
    await p.locator('#run-start').waitFor();
    assert.equal(await p.locator('#retention').getAttribute('data-enabled'), 'true');
    assert.equal(await p.locator('#retention').getAttribute('data-days'), '1');
    assert.equal(await p.locator('#retention-state').textContent(), 'On: manifests untagged from now on are deleted 1 day after untagging.');
    await shot(p, 'story-retention-form.png', '#retention');
    assert.deepEqual([await p.locator('#retention-enabled').isChecked(), await p.locator('#retention-days').inputValue()], [true, '1']);
  });

  it('tour: →, space and Page Down continue one frame, ← and Page Up go back one; none skips a frame; at the end nothing says playing', {
    timeout: 120_000,
  }, async () => {
    const story = JSON.parse(scenarioText('tour'));
    const n = story.guide.length;
    assert.equal(n, 9, 'the frames of the tour as written');
    const at = (i) => story.guide[i].atMs;
    const p = await openFresh();
    await pickFromStartScreen(p, story, 'tour');
    await checkFrame(p, story, 0);
    // Every frame the story panel shows, in order, as it shows them (a skipped frame would be missing).
    await p.evaluate(() => {
      window.framesShown = [document.querySelector('#story').dataset.frame];
      new MutationObserver(() => {
        const f = document.querySelector('#story')?.dataset.frame;
        if (f !== undefined && f !== window.framesShown.at(-1)) window.framesShown.push(f);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-frame'], childList: true });
    });
    const shown = () => p.evaluate(() => window.framesShown.map(Number));
    /** The story at frame `i`, done playing, at its time. */
    const settled = async (i) => {
      await p.locator(`#story[data-frame="${i}"]`).waitFor({ timeout: 30_000 });
      await p.locator('#run-start').waitFor({ timeout: 30_000 });
      assert.equal(await p.locator('#story-continue').getAttribute('data-playing'), null);
      assert.equal(await p.locator('#story-frame').textContent(), `Frame ${i + 1} of ${n}`);
      assert.equal(await p.locator('#story-at').textContent(), ` · at ${clock(at(i))}`);
      assert.equal(await clockOf(p), at(i));
    };
    const bar = p.locator('#scenarios .scenario-loaded');
    // Between frames the clock waits: the bar says so (it said "Playing" before issue #13).
    assert.equal(await bar.textContent(), 'Paused tour: see the scenario and oracle panels.');
    assert.equal(await bar.getAttribute('data-ended'), 'false');
    assert.equal(await bar.getAttribute('data-playing'), 'false');
    await p.evaluate(() => document.activeElement?.blur());

    // ? lists the story's keys while it is shown.
    await p.keyboard.press('?');
    const help = p.locator('#key-help');
    await help.waitFor();
    const rows = () => help.locator('.key-row').evaluateAll((rs) => rs.map((r) =>
      [[...r.querySelectorAll('kbd')].map((k) => k.textContent), r.querySelector('dd').textContent]));
    assert.deepEqual(await rows(), [
      [['→', 'Space', 'Page Down'], 'continue: the clock plays to the next frame; pressed while a frame plays, it gets there at once (never further)'],
      [['←', 'Page Up'], 'back one frame: the registry as it was then'],
      [['+'], 'faster'], [['−'], 'slower'], [['?'], 'show or hide this list'], [['Escape'], 'close this list'],
    ]);
    assert.equal(await p.locator('#key-help-hint').textContent(), 'While the story is shown these keys follow it (a presentation clicker ' +
      "sends Page Up and Page Down); hide it to have the clock's keys. Keys do nothing while you type in a field.");
    await shot(p, 'story-keys-help.png');
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await p.evaluate(() => document.activeElement?.blur());

    // At the first frame there is nothing to go back to: ← and Page Up do nothing (as Back, disabled).
    await p.keyboard.press('ArrowLeft');
    await p.keyboard.press('PageUp');
    await settled(0);
    assert.equal(await p.locator('#error').count(), 0);

    // One frame per key, each played to its end before the next key.
    const steps = [['ArrowRight', 1], [' ', 2], ['PageDown', 3], ['ArrowLeft', 2], ['PageUp', 1]];
    for (const [key, i] of steps) {
      await p.keyboard.press(key);
      await settled(i);
    }
    assert.deepEqual(await shown(), [0, 1, 2, 3, 2, 1], 'each key moved one frame, none skipped');
    assert.equal(await p.locator('#history').getAttribute('data-in-past'), 'true', 'back a frame is the registry as it was then');

    // Keys typed into a field are the field's.
    await p.click('#run-until');
    for (const key of ['ArrowRight', ' ', 'PageDown', 'ArrowLeft', 'PageUp']) await p.keyboard.press(key);
    await settled(1);
    assert.deepEqual(await shown(), [0, 1, 2, 3, 2, 1]);
    await p.fill('#run-until', '');
    await p.evaluate(() => document.activeElement?.blur());

    // In the past, → and space replay one frame each, at once, up to where the clock had got to
    // (frame 4); from there Page Down plays each next frame.
    await p.keyboard.press('ArrowRight');
    await settled(2);
    await p.keyboard.press(' ');
    await settled(3);
    for (const i of [4, 5, 6]) {
      await p.keyboard.press('PageDown');
      await settled(i);
    }
    assert.deepEqual(await shown(), [0, 1, 2, 3, 2, 1, 2, 3, 4, 5, 6]);

    // Keys pressed while a frame plays: the first gets there at once, the others add nothing.
    await p.keyboard.press('ArrowRight');
    await p.locator('#story-continue[data-playing="true"]').waitFor();
    assert.match(await p.locator('#story-how').textContent(), /^Playing at ×60 to the next frame, at /);
    await p.evaluate(() => {
      for (const key of [' ', 'ArrowRight', 'PageDown', ' ']) {
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      }
    });
    await settled(7);
    // A key held down (the browser repeats it) continues once: the repeats do nothing.
    await p.evaluate(() => {
      for (const key of ['ArrowRight', ' ', 'PageDown']) {
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, repeat: true, bubbles: true, cancelable: true }));
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    await settled(7);
    // A real key starts the last frame; space while it plays gets there at once.
    await p.keyboard.press('ArrowRight');
    await p.locator('#story-continue[data-playing="true"]').waitFor();
    await p.keyboard.press(' ');
    await settled(8);
    await new Promise((r) => setTimeout(r, 1_000));
    await settled(8);
    assert.deepEqual(await shown(), [0, 1, 2, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8], 'no frame skipped while playing');

    // The story has ended: nothing says it is still playing.
    assert.equal(await p.locator('#story').getAttribute('data-ended'), 'true');
    assert.equal(await p.locator('#story-continue').isDisabled(), true);
    assert.equal(await p.locator('#story-how').textContent(), 'No frame is left. Hide the story to have the whole page.');
    assert.equal(await bar.textContent(), 'Played tour to its end: see the scenario and oracle panels.');
    assert.equal(await bar.getAttribute('data-ended'), 'true');
    assert.equal(await p.locator('#scenario').getAttribute('data-ended'), 'true');
    assert.equal(await p.locator('#run-state').count(), 0, 'the clock is not running');
    const playing = await p.evaluate(() => document.body.innerText.match(/.{0,40}\bplaying\b.{0,40}/i)?.[0] ?? null);
    assert.equal(playing, null, 'no wording on the page says playing');
    await shot(p, 'story-keys-ended.png', 'top');

    // At the end, ← and Page Up still go back a frame, and the list says what each key does now.
    await p.keyboard.press('?');
    await help.waitFor();
    assert.deepEqual((await rows()).map((r) => r[0]), [['←', 'Page Up'], ['Space'], ['→'], ['+'], ['−'], ['?'], ['Escape']]);
    assert.equal(await p.locator('#key-help-hint').textContent(), 'The story has ended: ← and Page Up still go back a frame; ' +
      'the other keys move the clock of the sandbox it leaves. Keys do nothing while you type in a field.');
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await p.evaluate(() => document.activeElement?.blur());
    await p.keyboard.press('PageUp');
    await settled(7);
    await p.keyboard.press('PageDown');
    await settled(8);

    // With the story hidden, the keys are the clock's again, and the list says truthfully what
    // → and space do in the past.
    await p.click('#story-hide');
    await p.locator('#story[data-hidden="true"]').waitFor();
    await p.evaluate(() => document.activeElement?.blur());
    await p.keyboard.press('?');
    await help.waitFor();
    assert.deepEqual((await rows()).map((r) => r[0]), [['Space'], ['→'], ['←'], ['+'], ['−'], ['?'], ['Escape']]);
    assert.equal(await p.locator('#key-help-hint').textContent(), 'Keys do nothing while you type in a field. In the past, → steps to ' +
      'the next moment of the run and space plays the run back to the present, both dropping nothing; anything you change there starts a new future.');
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await p.evaluate(() => document.activeElement?.blur());
    await p.keyboard.press('PageUp');
    await p.keyboard.press('ArrowLeft');
    await p.locator('#history[data-in-past="true"]').waitFor();
    const back = await clockOf(p);
    assert.ok(back < at(8), `← stepped back to ${clock(back)}`);
    assert.match(await statusOf(p), new RegExp(`^Stepped back to ${literal(clock(back))}: the registry as it was then`),
      '← stepped back one event, as outside a story');
    await p.context().close();
  });

  it('no page error or console error happened', () => {
    assert.deepEqual(web.errors, []);
  });
});
