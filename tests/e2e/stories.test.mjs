// End-to-end test of every guided story, as a newcomer follows it (issue #5: "A newcomer can open
// the page, pick a scenario, follow it to the end and understand the pain point"). For each of the
// thirteen stories, in a browser context of its own (an empty IndexedDB):
//
//   - the story is picked on the start screen with a click, and confirmed;
//   - Continue, frame by frame, to the last; at every frame the page shows the frame's number,
//     time, title and text as the scenario file has them (English); the panels it points at are
//     outlined, and each is on screen under the story panel (which stays at the top of the window),
//     not covered, of non-zero size: the first because the page scrolled to it, the others once
//     their link under the text is clicked; a frame that names an error code points at a panel that
//     shows it; no error banner, and no step refused but those the scenario expects;
//   - at least one exact figure per story that makes its pain point visible, read from the page,
//     compared to what the engine reports (`window.stowage.page()`) and to the frame's text where
//     it states it (STORIES below says which);
//   - at the end: the scenario's own end state (its event-log hash and oracle), the story says the
//     registry is yours, and an action of one's own works (a push through the push form).
//
// Screenshots: target/e2e/stories-<name>-last.png, the window at each story's last frame as the
// page scrolled it. The stories run STORIES_CONCURRENCY (default 3) at a time.
//
//   scripts/build.sh && node --test tests/e2e/stories.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesOf, clock, clockOf, en, hashOf, lookIds, paths, site, statusOf, storyTextOf, visibleFraction } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
const CONCURRENCY = Number(process.env.STORIES_CONCURRENCY ?? 3);
/** The registry's error codes, as a frame's text may name them. */
const CODES = ['MANIFEST_BLOB_UNKNOWN', 'MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN', 'DENIED',
  'REGISTRY_DISALLOWED_OPERATION', 'TOOMANYREQUESTS', 'UNAUTHORIZED', 'UNSUPPORTED'];
const codesIn = (text) => CODES.filter((c) => new RegExp(`(^|[^A-Z_])${c}([^A-Z_]|$)`).test(text));
const scenarioOf = (name) => JSON.parse(readFileSync(join(ROOT, 'www', 'scenarios', `${name}.json`), 'utf8'));
const MB = 1_000_000;
/** A mebibyte: the unit the page shows sizes in (per-repository-storage's layers are whole MiB). */
const MIB = 1_048_576;
const GIB = 2 ** 30;

// ---- what the page shows, and what the engine says ----

/** A step's row in the scenario's table (`i` from 0): its result and detail, and the engine's. */
const stepOf = (p, i) => p.evaluate((i) => {
  const row = document.querySelector(`#scenario-steps tr[data-step="${i}"]`);
  const done = window.stowage.page().scenario().done.find((d) => d.index === i);
  return {
    result: row?.dataset.result ?? null,
    detail: row?.querySelector('.step-detail')?.textContent ?? null,
    engine: done ? { result: done.result, detail: done.detail } : null,
  };
}, i);
/** A step's row as the page shows it, checked against the engine's word for it. */
async function step(p, i) {
  const s = await stepOf(p, i);
  assert.deepEqual({ result: s.result, detail: s.detail }, s.engine, `step ${i + 1}: the page shows what the engine did`);
  return s.engine;
}
/** The oracle as the page shows it (its figures and failure codes), and the engine's report. */
const oracleOf = (p) => p.evaluate(() => {
  const n = (id) => Number(document.getElementById(id).dataset.n);
  const codes = (id) => Object.fromEntries([...document.querySelectorAll(`#${id} li[data-code]`)]
    .map((li) => [li.dataset.code, Number(li.dataset.n)]));
  const o = window.stowage.page().oracle();
  return {
    page: {
      pushesOk: n('oracle-pushes-ok'), pushesFailed: codes('oracle-pushes-failed'),
      pullsOk: n('oracle-pulls-ok'), pullsFailed: codes('oracle-pulls-failed'), stalePulls: n('oracle-stale-pulls'),
      acknowledged: n('oracle-acknowledged'), lostAcknowledged: n('oracle-lost'), wrongBytes: n('oracle-wrong-bytes'),
    },
    engine: {
      pushesOk: o.pushesOk, pushesFailed: o.pushesFailed, pullsOk: o.pullsOk, pullsFailed: o.pullsFailed,
      stalePulls: o.stalePulls, acknowledged: o.acknowledged, lostAcknowledged: o.lostAcknowledged, wrongBytes: o.wrongBytes,
    },
  };
});
async function oracle(p) {
  const o = await oracleOf(p);
  assert.deepEqual(o.page, o.engine, 'the oracle panel shows the engine\'s report');
  return o.page;
}
/** Billed and stored bytes as the storage panel shows them, checked against the engine's usage. */
async function storage(p) {
  const shown = { billed: await bytesOf(p, '#storage-used'), stored: await bytesOf(p, '#storage-stored') };
  const u = await p.evaluate(() => window.stowage.page().usage());
  assert.deepEqual(shown, { billed: u.totalBilledBytes, stored: u.totalStoredBytes }, 'the page shows the engine\'s usage');
  return shown;
}
/** The newest event of `kind` (before `beforeMs`, if given), from the engine, and its row in the
 *  event log as the page draws it (the log keeps its newest rows in view). */
async function lastEvent(p, kind, beforeMs = Infinity) {
  const e = await p.evaluate(([kind, before]) => window.stowage.page().events()
    .filter((e) => e.kind === kind && e.atMs <= before).at(-1), [kind, beforeMs]);
  assert.ok(e, `an event ${kind}`);
  const row = p.locator(`#events li[data-seq="${e.seq}"]`);
  await row.waitFor({ state: 'attached' });
  assert.equal(await row.getAttribute('data-kind'), kind);
  assert.equal(await row.locator('.text').getAttribute('title'), e.text, 'the event log shows the engine\'s event');
  assert.equal(Number(await row.locator('.at').getAttribute('data-ms')), e.atMs);
  return e;
}
/** A rate category's row (`DataplaneRead`, …): admitted and throttled, checked against the engine. */
async function rates(p, name) {
  const row = p.locator(`#rate-panel .rate-row[data-category="${name}"]`);
  const shown = { admitted: Number(await row.getAttribute('data-admitted')), throttled: Number(await row.getAttribute('data-throttled')) };
  const c = await p.evaluate((name) => window.stowage.page().rateLimits().categories.find((c) => c.name === name), name);
  assert.deepEqual(shown, { admitted: c.admitted, throttled: c.throttled });
  return shown;
}
/** `n` in words, as a frame's text says small counts. */
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
/** Asserts that the frame's text states `words` (a literal string). */
const says = (ctx, words) => assert.ok(ctx.text.includes(words), `frame ${ctx.i + 1}'s text states "${words}": ${ctx.text}`);

// ---- the stories: for each, the frames whose figures make its pain point visible ----

const STORIES = {
  tour: {
    figure: '405 REGISTRY_DISALLOWED_OPERATION twice on Basic (steps 5, 6); the bill from $0.167 to $3.334 a day',
    frames: {
      1: async (p, ctx) => {
        // amsterdam's push: four records (two layers, the config, the manifest), 30 MB and 12 bytes.
        const u = await p.evaluate(() => window.stowage.page().usage());
        assert.equal(u.totalRecords, 4);
        says(ctx, 'four records');
        assert.equal(Number(await p.locator('#accounts tfoot [data-records]').getAttribute('data-records')), 4);
        const layer = await lastEvent(p, 'blobPushed', 4_000);
        assert.match(layer.text, /\(\d+ bytes\) pushed to hello/);
      },
      4: async (p, ctx) => {
        // Basic says no: the replica and the retention policy, refused with 405.
        for (const i of [4, 5]) assert.equal((await step(p, i)).result, 'REGISTRY_DISALLOWED_OPERATION');
        says(ctx, '405 REGISTRY_DISALLOWED_OPERATION');
        assert.match((await step(p, 4)).detail, /geo-replication is a Premium feature; this registry is Basic/);
        assert.match(await p.locator('#scenario-progress').textContent(), /^6 of 9 steps played, 2 refused; /);
        assert.equal(await p.locator('#cost-breakdown').getAttribute('data-total'), '167000');
      },
      5: async (p, ctx) => {
        // Premium and a replica: $3.334 a day, from $0.167.
        const total = Number(await p.locator('#cost-breakdown').getAttribute('data-total'));
        const cost = await p.evaluate(() => window.stowage.page().cost());
        assert.equal(total, cost.totalMicroUsdPerDay);
        assert.equal(total, 3_334_000);
        assert.equal(cost.tierFeeMicroUsd + cost.replicasMicroUsd, total);
        says(ctx, `$${(total / 1e6).toFixed(3)} a day`);
        says(ctx, '$0.167');
        assert.equal(await p.locator('#replicas tr[data-region="eastus"]').getAttribute('data-state'), 'creating');
      },
    },
  },
  'split-push-guided': {
    figure: 'MANIFEST_BLOB_UNKNOWN: 4 of 6 pushes failed (oracle)',
    frames: {
      2: async (p) => {
        assert.equal((await step(p, 3)).result, 'MANIFEST_BLOB_UNKNOWN');
        assert.deepEqual((await oracle(p)).pushesFailed, { MANIFEST_BLOB_UNKNOWN: 1 });
      },
      3: async (p, ctx) => {
        const o = await oracle(p);
        assert.deepEqual([o.pushesOk, o.pushesFailed], [2, { MANIFEST_BLOB_UNKNOWN: 4 }]);
        says(ctx, `${WORDS[4]} of runner's ${WORDS[o.pushesOk + 4]} pushes failed`);
        assert.equal(await p.locator('#client-table tr[data-client="runner"]').getAttribute('data-manifest-blob-unknown'), '4');
      },
      5: async (p, ctx) => {
        const o = await oracle(p);
        assert.deepEqual([o.pushesOk, o.pushesFailed], [6, { MANIFEST_BLOB_UNKNOWN: 4 }]);
        says(ctx, 'three pushes, three successes');
        assert.equal(await p.locator('#client-table tr[data-client="cached"]').getAttribute('data-lookups'), '1');
      },
    },
  },
  'replication-lag': {
    figure: 'stale pulls 1 (NAME_UNKNOWN) then 2 (MANIFEST_UNKNOWN), nothing lost (oracle)',
    frames: {
      3: async (p, ctx) => {
        const o = await oracle(p);
        assert.deepEqual([o.stalePulls, o.pullsFailed], [1, { NAME_UNKNOWN: 1 }]);
        assert.equal((await step(p, 4)).result, 'NAME_UNKNOWN');
        says(ctx, 'got NAME_UNKNOWN');
        says(ctx, 'stale pull');
      },
      5: async (p, ctx) => {
        assert.equal((await step(p, 7)).result, 'MANIFEST_UNKNOWN');
        says(ctx, 'MANIFEST_UNKNOWN');
      },
      6: async (p, ctx) => {
        const o = await oracle(p);
        assert.deepEqual([o.stalePulls, o.pullsFailed, o.lostAcknowledged], [2, { MANIFEST_UNKNOWN: 1, NAME_UNKNOWN: 1 }, 0]);
        says(ctx, `${WORDS[2][0].toUpperCase()}${WORDS[2].slice(1)} stale pulls, nothing lost`);
      },
    },
  },
  'slow-new-replica': {
    figure: 'West Europe Syncing 10 changes, NAME_UNKNOWN, Ready 16 min 21 s after it was added; 40 GiB stored',
    frames: {
      1: async (p, ctx) => {
        const { billed } = await storage(p);
        assert.equal(Math.floor(billed / GIB), 40, `${billed} bytes: just over 40 GiB`);
        says(ctx, 'just over 40 GiB');
      },
      3: async (p, ctx) => {
        const row = p.locator('#replicas tr[data-region="westeurope"]');
        const r = await p.evaluate(() => window.stowage.page().replicas().find((r) => r.region === 'westeurope'));
        assert.deepEqual([await row.getAttribute('data-state'), Number(await row.getAttribute('data-syncing'))], [r.state, r.syncingChanges]);
        assert.deepEqual([r.state, r.syncingChanges], ['syncing', 10]);
        says(ctx, '10 changes to copy');
        assert.equal((await step(p, 6)).result, 'NAME_UNKNOWN');
      },
      4: async (p, ctx) => {
        const ready = await lastEvent(p, 'replicaChanged');
        assert.match(ready.text, /^replica westeurope: ready$/);
        const added = ctx.story.steps.find((s) => s.action.do === 'addReplica').atMs;
        const took = ready.atMs - added;
        says(ctx, `Ready at ${clock(ready.atMs).slice(0, 8)}`);
        says(ctx, `${Math.floor(took / 60_000)} minutes ${Math.floor(took / 1000) % 60} seconds after it was added`);
        assert.equal(await p.locator('#replicas tr[data-region="westeurope"]').getAttribute('data-state'), 'ready');
      },
      5: async (p, ctx) => {
        assert.equal((await oracle(p)).stalePulls, 1);
        says(ctx, 'one stale pull');
      },
    },
  },
  'untag-frees-nothing': {
    figure: 'billed bytes unchanged by the untag (600,001,964); v1\'s 300,000,982 still billed at the end',
    frames: {
      1: async (p, ctx) => { ctx.billed = (await storage(p)).billed; },
      2: async (p, ctx) => {
        assert.equal((await storage(p)).billed, ctx.billed, 'the untag freed nothing');
        assert.equal(ctx.billed, 600_001_964);
        assert.match((await p.locator('#catalog [data-repo="web"] .summary').textContent()).replace(/\u00a0/g, ' '),
          /^1 tag · 2 manifests \(1 untagged\) · /);
        says(ctx, 'its 300 MB are still billed');
      },
      3: async (p, ctx) => {
        const detail = (await step(p, 3)).detail;
        assert.equal(detail, `web ${ctx.billed} B (${ctx.billed} B only there)`);
        says(ctx, `web still links ${Math.round(ctx.billed / MB)} MB`);
      },
      4: async (p, ctx) => {
        const { billed, stored } = await storage(p);
        assert.equal(billed, ctx.billed / 2, 'v1, untagged, is still billed');
        assert.equal(stored, billed, 'v2\'s layer was reclaimed');
        assert.equal((await step(p, 5)).detail, `web ${billed} B (${billed} B only there)`);
        says(ctx, 'Untagged v1 is still billed');
      },
    },
  },
  'retention-surprises': {
    figure: '60,002,958 bytes billed for three of four manifests after the policy ran (v1 and locked v3 stay)',
    frames: {
      4: async (p, ctx) => {
        assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '2');
        assert.equal((await p.evaluate(() => window.stowage.page().retention().queuedTotal)), 2);
        says(ctx, 'v1 is not in the queue');
      },
      6: async (p, ctx) => {
        const { billed } = await storage(p);
        assert.equal(billed, 60_002_958);
        says(ctx, `billed for ${Math.round(billed / MB)} MB`);
        says(ctx, 'three of the four manifests');
        const kept = await lastEvent(p, 'retentionApplied');
        assert.match(kept.text, /^retention policy kept app@sha256:[0-9a-f]{12}: it is locked/);
      },
    },
  },
  'keep-last-n': {
    figure: 'keep-last-5 would delete 7, ACR\'s retention queues 0; 7 × 1,059 bytes reclaimed',
    frames: {
      1: async (p, ctx) => { ctx.stored = (await storage(p)).stored; },
      2: async (p, ctx) => {
        assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '0');
        says(ctx, 'nothing is queued');
      },
      3: async (p, ctx) => {
        const w = await p.evaluate(() => window.stowage.page().keepLastWhatIf('svc', 5));
        const tags = w.wouldDelete.map((m) => m.tags[0]);
        assert.equal((await step(p, 2)).detail,
          `keep-last-5 would delete ${tags.length} (${tags.join(', ')}); ACR's retention has ${w.acrQueued.length} of them queued`);
        assert.deepEqual([tags.length, w.acrQueued.length], [7, 0]);
        says(ctx, `it would delete ${tags.length} manifests, v1 to v7, and ACR's retention has ${w.acrQueued.length} of them queued`);
        assert.equal(await p.locator('#retention-total').getAttribute('data-total'), '0');
      },
      5: async (p, ctx) => {
        assert.equal((await step(p, 10)).detail, 'keep-last-5 would delete 0 (); ACR\'s retention has 0 of them queued');
        says(ctx, 'would delete nothing now');
        assert.match((await p.locator('#catalog [data-repo="svc"] .summary').textContent()).replace(/\u00a0/g, ' '), /^5 tags · 5 manifests · /);
      },
      6: async (p, ctx) => {
        const { stored, billed } = await storage(p);
        assert.equal(stored, billed, 'everything released was reclaimed');
        assert.equal(ctx.stored - stored, 7 * 1059);
        says(ctx, '1,059 bytes per build');
      },
    },
  },
  'scale-out-429': {
    figure: '429 TOOMANYREQUESTS: 134 of 300 nodes refused (one identity), then 200 (2019 table); 0 on Premium',
    frames: {
      2: async (p, ctx) => {
        const e = await lastEvent(p, 'scaleOutPull');
        assert.match(e.text, /: 166 got the image, 134 were refused with 429 TOOMANYREQUESTS/);
        assert.equal((await rates(p, 'DataplaneRead')).throttled, 134);
        says(ctx, '166 got the image; 134 were refused with 429 TOOMANYREQUESTS');
      },
      3: async (p, ctx) => {
        assert.match((await lastEvent(p, 'scaleOutPull')).text, /: all 300 got the image$/);
        assert.equal((await rates(p, 'DataplaneRead')).throttled, 134, 'no new refusal');
        says(ctx, 'All 300 got the image');
      },
      5: async (p, ctx) => {
        assert.match((await lastEvent(p, 'scaleOutPull')).text, /: 100 got the image, 200 were refused with 429 TOOMANYREQUESTS/);
        assert.equal((await rates(p, 'DataplaneRead')).throttled, 134 + 200);
        says(ctx, '100 got the image, 200 were throttled');
      },
      6: async (p, ctx) => {
        assert.match((await lastEvent(p, 'scaleOutPull')).text, /: all 300 got the image$/);
        says(ctx, 'all 300 nodes got the image');
      },
    },
  },
  'delete-is-permanent': {
    figure: 'restore refused with MANIFEST_UNKNOWN; 405 REGISTRY_DISALLOWED_OPERATION twice; the purge releases 10,000,986 bytes',
    frames: {
      2: async (p, ctx) => {
        assert.deepEqual(await step(p, 4), { result: 'MANIFEST_UNKNOWN', detail: 'web:v1 is not in the bin' });
        says(ctx, 'MANIFEST_UNKNOWN, it is not in the bin');
        assert.equal(await p.locator('#soft-delete').getAttribute('data-enabled'), 'false');
      },
      4: async (p) => {
        assert.equal((await step(p, 8)).result, 'MANIFEST_UNKNOWN');
        const [pushed, pulled] = [await step(p, 1), await step(p, 10)];
        assert.equal(pulled.detail, pushed.detail, 'the pull got the same digest as before');
      },
      5: async (p, ctx) => {
        for (const i of [11, 12]) assert.equal((await step(p, i)).result, 'REGISTRY_DISALLOWED_OPERATION');
        says(ctx, '405 REGISTRY_DISALLOWED_OPERATION');
      },
      6: async (p, ctx) => {
        const purge = await lastEvent(p, 'softDeletePurged');
        const bytes = Number(purge.text.match(/ (\d+) bytes released$/)[1]);
        assert.equal(bytes, 10_000_986);
        says(ctx, `released ${bytes.toLocaleString('en-US')} bytes`);
        assert.equal((await step(p, 13)).result, 'MANIFEST_UNKNOWN');
      },
    },
  },
  'catalog-truncated': {
    figure: 'the first page: 100 of 150 repositories, api-000 to core-019, more after core-019',
    frames: {
      1: async (p, ctx) => {
        const all = await p.evaluate(() => window.stowage.page().catalog(1000));
        assert.equal(all.repositories.length, 150);
        says(ctx, `All ${all.repositories.length} are there`);
      },
      2: async (p, ctx) => {
        const first = await p.evaluate(() => window.stowage.page().catalog());
        const [from, to] = [first.repositories[0], first.repositories.at(-1)];
        assert.deepEqual([first.repositories.length, from, to, first.next], [100, 'api-000', 'core-019', 'core-019']);
        assert.equal((await step(p, 4)).detail, `${first.repositories.length} repositories (${from} … ${to}), more after ${first.next}`);
        says(ctx, `${first.repositories.length} repositories, ${from} to ${to}`);
        says(ctx, `there is more after ${first.next}`);
      },
      3: async (p, ctx) => {
        const rest = await p.evaluate(() => window.stowage.page().catalog(100, 'core-019'));
        assert.equal((await step(p, 5)).detail, `${rest.repositories.length} repositories (${rest.repositories[0]} … ${rest.repositories.at(-1)}), the last page`);
        says(ctx, `${rest.repositories.length} repositories, core-020 to web-029`);
      },
      4: async (p, ctx) => {
        assert.equal((await step(p, 6)).detail, '150 repositories (api-000 … web-029), the last page');
        says(ctx, 'got all 150 in one page');
      },
    },
  },
  'per-repository-storage': {
    figure: 'about 205 MiB stored; tools links 150 MiB, 100 MiB only there (step 4); 185 MiB after backend\'s space is reclaimed',
    frames: {
      1: async (p, ctx) => {
        const { stored } = await storage(p);
        says(ctx, `the registry stores about ${Math.round(stored / MIB)} MiB`);
      },
      2: async (p, ctx) => {
        const usage = await p.evaluate(() => window.stowage.page().repositoryUsage().repositories);
        const detail = (await step(p, 3)).detail;
        const parts = [...detail.matchAll(/(\w+) (\d+) B \((\d+) B only there\)/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
        assert.deepEqual(parts.map((r) => r[0]), ['tools', 'backend', 'frontend']);
        for (const [repo, linked, only] of parts) {
          const u = usage.find((r) => r.name === repo);
          assert.deepEqual([u.linkedBytes, u.uniqueBytes], [linked, only], `${repo}: the engine's figures`);
          const mb = (n) => Math.round(n / MIB);
          says(ctx, repo === 'tools' ? `tools links ${mb(linked)} MiB, ${mb(only)} MiB of it only there`
            : `${repo} links ${mb(linked)} MiB, ${mb(only)} MiB only there`);
        }
        says(ctx, `Together they link ${Math.round(parts.reduce((n, r) => n + r[1], 0) / MIB)} MiB`);
      },
      4: async (p, ctx) => {
        const detail = (await step(p, 5)).detail;
        const only = Number(detail.match(/frontend \d+ B \((\d+) B only there\)/)[1]);
        says(ctx, `frontend now holds ${Math.round(only / MIB)} MiB only there`);
      },
      5: async (p, ctx) => {
        const { stored, billed } = await storage(p);
        assert.equal(stored, billed);
        says(ctx, `The registry stores about ${Math.round(stored / MIB)} MiB now`);
      },
    },
  },
  'key-revoked': {
    figure: 'DENIED (403) for one pull and one push while the key is revoked; 0 acknowledged images lost',
    frames: {
      3: async (p, ctx) => {
        const o = await oracle(p);
        assert.deepEqual([o.pullsFailed, o.pushesFailed], [{ DENIED: 1 }, { DENIED: 1 }]);
        for (const i of [4, 5]) assert.equal((await step(p, i)).result, 'DENIED');
        says(ctx, 'denied with DENIED (403)');
      },
      4: async (p, ctx) => {
        const o = await oracle(p);
        assert.deepEqual([o.acknowledged, o.lostAcknowledged], [1, 0]);
        says(ctx, 'none lost');
      },
      5: async (p) => {
        for (const i of [7, 8]) assert.equal((await step(p, i)).result, 'ok');
      },
    },
  },
  'locks-break-cleanup': {
    figure: '405 REGISTRY_DISALLOWED_OPERATION three times (delete, untag, push of v1); v2\'s 10,000,978 bytes reclaimed at 00:13:01',
    frames: {
      2: async (p, ctx) => {
        assert.equal((await step(p, 6)).result, 'REGISTRY_DISALLOWED_OPERATION');
        assert.equal((await step(p, 7)).result, 'ok');
        says(ctx, '405 REGISTRY_DISALLOWED_OPERATION');
      },
      3: async (p) => {
        assert.equal((await step(p, 8)).result, 'REGISTRY_DISALLOWED_OPERATION');
      },
      5: async (p) => {
        assert.match((await step(p, 10)).detail, /tag app:v1 has writeEnabled=false, so it cannot be pushed over/);
        assert.match(await p.locator('#scenario-progress').textContent(), /^11 of 11 steps played, 3 refused; /);
      },
      6: async (p, ctx) => {
        const events = await p.evaluate(() => window.stowage.page().events().filter((e) => e.kind === 'recordReclaimed'));
        const at = [...new Set(events.map((e) => e.atMs))];
        assert.deepEqual(at, [13 * 60_000 + 1000]);
        says(ctx, `GC reclaimed v2's 10 MB at ${clock(at[0]).slice(0, 8)}`);
        const bytes = events.reduce((n, e) => n + Number(e.text.match(/\((\d+) bytes\)/)[1]), 0);
        assert.equal(Math.round(bytes / MB), 10);
        await lastEvent(p, 'recordReclaimed');
        const { stored, billed } = await storage(p);
        assert.equal(stored, billed);
      },
    },
  },
};

describe('every guided story, followed by a newcomer from the start screen to its end', { timeout: 600_000 }, () => {
  const web = site({ root: ROOT, dist: DIST });
  const timings = {};

  /** The start screen of a fresh page: a click on the story's entry, then on the dialog's confirmation. */
  const pick = async (p, story, name) => {
    await p.locator('#start').waitFor();
    const entry = p.locator(`#start-list li[data-name="${name}"][data-guided="true"]`);
    await entry.waitFor();
    assert.equal(await entry.locator('.guided-badge').textContent(), `Guided · ${story.guide.length} frames`);
    assert.equal(await entry.locator('.start-title').textContent(), en(story.title));
    await entry.locator('.start-pick').click();
    await p.locator(`#scenario-dialog[data-file="${name}.json"]`).waitFor();
    await p.click('#scenario-confirm');
    await p.locator('#scenario-dialog').waitFor({ state: 'detached' });
    await p.locator(`#scenario[data-name="${name}"]`).waitFor({ state: 'attached' });
    await p.locator('#story[data-frames]').waitFor();
    assert.equal(await p.locator('#start').count(), 0, 'the start screen goes once a story is picked');
    assert.equal(await p.locator('#scenario-picker').inputValue(), `${name}.json`);
    assert.equal(await statusOf(p), `Loaded scenario ${name} (${name}.json): registry ${story.registry.name} with ` +
      `${story.steps.length} steps queued at their virtual times. Run the clock to play it, until ${clock(story.runUntilMs)}.`);
  };

  /**
   * Where element `id` is on the stage: outlined, of non-zero size, whole on screen (inside the
   * window and every scroller it sits in), beside the story rather than under it, and not covered
   * (null); or why not. For the scenario's panel, once steps have played, the step played last
   * (the one the frame tells of) must be in view inside the panel.
   */
  const notInView = async (p, id) => {
    const fraction = await visibleFraction(p, `#${id}`);
    if (fraction < 0.99) return `#${id} is ${(fraction * 100).toFixed(1)} % on screen`;
    return notCovered(p, id);
  };
  /** Whether `#id` is outlined, of non-zero size, beside the story and drawn on top (null), or why not. */
  const notCovered = (p, id) => p.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return `#${id} is not on the page`;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return `#${id} is ${r.width}×${r.height}`;
    const style = getComputedStyle(el);
    if (style.outlineStyle !== 'solid' || style.outlineWidth !== '3px') return `#${id} is not outlined (${style.outlineStyle} ${style.outlineWidth})`;
    const story = document.getElementById('story').getBoundingClientRect();
    if (r.left < story.right && story.left < r.right && r.top < story.bottom && story.top < r.bottom) return `the story covers #${id}`;
    const played = id === 'scenario' ? [...document.querySelectorAll('#scenario-steps tbody tr[data-state="done"]')].at(-1) : null;
    let anchor = [r.left + 24, r.top + 16];
    if (played) {
      const d = played.getBoundingClientRect();
      // Its top in view (a row taller than the panel shows from its start).
      if (d.top < r.top - 1 || d.top > r.bottom - 24 || (d.bottom > r.bottom + 1 && d.height < r.height / 2)) return `the step played last (${Number(played.dataset.step) + 1}) is out of its panel's view: ${Math.round(d.top)}–${Math.round(d.bottom)}, panel ${Math.round(r.top)}–${Math.round(r.bottom)}`;
      // Its middle, or low in the panel if the row is taller than what the panel shows.
      anchor = [d.left + 24, Math.min((d.top + d.bottom) / 2, r.bottom - 12)];
    }
    // What is drawn there, and low in it: the panel itself, nothing over it.
    for (const [x, y] of [anchor, [r.left + r.width / 2, r.bottom - 8]]) {
      const at = document.elementFromPoint(x, y);
      if (!at || !el.contains(at)) return `#${id} is covered at (${Math.round(x)}, ${Math.round(y)}) by ${at?.id ? `#${at.id}` : at?.className || at?.tagName}`;
    }
    return null;
  }, id);
  const assertInView = async (p, id, what) => {
    // The page scrolls in the frame's render (or the click's): give it a moment.
    let why = await notInView(p, id);
    for (let t = 0; why && t < 10; t++) {
      await p.waitForTimeout(100);
      why = await notInView(p, id);
    }
    assert.equal(why, null, `${what}: ${why}`);
  };

  /** What the panels `ids` show (for the scenario, its steps table; the catalog without its help on locks). */
  const shownText = (p, ids) => p.evaluate((ids) => ids.map((id) => {
    const el = document.getElementById(id);
    if (!el) return '';
    if (id === 'scenario') return el.querySelector('#scenario-steps')?.innerText ?? '';
    const copy = el.cloneNode(true);
    copy.querySelector('#locks-help')?.remove();
    return copy.textContent;
  }).join('\n'), ids);

  /** Frame `i` as the page shows it, checked against the scenario file. */
  const checkFrame = async (p, story, i, ctx) => {
    const frame = story.guide[i];
    const n = story.guide.length;
    const where = `${ctx.name}, frame ${i + 1} (${en(frame.title)})`;
    assert.equal(await p.locator('#story').getAttribute('data-frames'), String(n));
    assert.equal(await p.locator('#story-frame').textContent(), `Frame ${i + 1} of ${n}`, where);
    assert.equal(await p.locator('#story-at').textContent(), ` · at ${clock(frame.atMs)}`, where);
    assert.equal(await p.locator('#story-title').textContent(), en(frame.title), where);
    assert.equal(await storyTextOf(p), en(frame.text), where);
    assert.equal(await clockOf(p), frame.atMs, where);
    assert.equal(await p.locator('#story').getAttribute('data-ended'), String(i === n - 1), where);
    // No error banner; no step refused but those the scenario expects.
    assert.equal(await p.locator('#error').count(), 0, `${where}: an error banner`);
    if (i > 0) {
      assert.equal(await statusOf(p),
        `Frame ${i + 1} of ${n}: ${en(frame.title)}.${i === n - 1 ? ' The story ends here: the registry is yours.' : ''}`, where);
    }
    const results = await p.locator('#scenario-steps tbody tr[data-state="done"]').evaluateAll((trs) => trs.map((tr) => tr.dataset.result));
    const engine = await p.evaluate(() => window.stowage.page().scenario().done.map((d) => d.result));
    assert.deepEqual(results, engine, `${where}: the steps table shows the engine's results`);
    const expected = story.expect.stepResults ?? story.steps.map(() => 'ok');
    assert.deepEqual(results, expected.slice(0, results.length), `${where}: only the refusals the scenario expects`);

    // The panels it points at: outlined and whole on screen beside the map, all at once (and
    // still once their link is clicked). The last frame's window is kept as a screenshot first.
    // Looked at once the page has settled: it has saved this moment (the session panel's line
    // changes then, and with it the height of what is above).
    await p.locator(`#session-saved[data-now-ms="${frame.atMs}"]`).waitFor({ state: 'attached' });
    const ids = lookIds(frame);
    assert.equal(await p.locator('#story').getAttribute('data-look'), ids.join(' '), where);
    assert.deepEqual(await p.locator('#story .story-look a[data-look]').evaluateAll((as) => as.map((a) => a.dataset.look)), ids, where);
    for (const id of ids) await assertInView(p, id, `${where}, #${id}`);
    for (const [k, id] of ids.entries()) {
      if (k > 0) await p.click(`#story .story-look a[data-look="${id}"]`);
      await assertInView(p, id, `${where}, #${id} (${k === 0 ? 'as the frame shows it' : 'its link clicked'})`);
      if (k === 0 && i === n - 1) await p.screenshot({ path: join(SHOTS, `stories-${ctx.name}-last.png`) });
    }
    // An error code the frame names is shown by a panel it points at.
    const codes = codesIn(en(frame.text));
    if (codes.length) {
      const shown = await shownText(p, ids);
      for (const code of codes) assert.ok(shown.includes(code), `${where} names ${code}, but none of ${ids.join(', ')} shows it`);
    }
  };

  /** The whole story: picked, followed to the end, the sandbox used. */
  const follow = async (name) => {
    const t0 = Date.now();
    const spec = STORIES[name];
    const story = scenarioOf(name);
    const n = story.guide.length;
    assert.equal(story.runUntilMs, story.guide[n - 1].atMs, 'the story ends where the scenario does');
    const p = await web.open();
    await pick(p, story, name);
    const ctx = { name, story };
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        await p.click('#story-continue');
        await p.locator(`#story[data-frame="${i}"]`).waitFor({ timeout: 60_000 });
      }
      await p.locator('#run-start').waitFor({ timeout: 60_000 });
      await checkFrame(p, story, i, ctx);
      Object.assign(ctx, { i, text: en(story.guide[i].text) });
      await spec.frames[i]?.(p, ctx);
    }
    const storyMs = Date.now() - t0;

    // The end: the scenario's own run, and the story hands the registry over.
    assert.equal(await hashOf(p), story.expect.eventLogHash, "following the story gave the scenario's own run");
    const o = await p.evaluate(() => window.stowage.page().oracle());
    for (const [k, v] of Object.entries(story.expect.oracle ?? {})) assert.deepEqual(o[k], v, `the oracle's ${k}`);
    assert.equal(await p.locator('#story-end').textContent(),
      'The story ends here: the registry is yours. Push, delete, fail a region or drag the history back: from now on it is a free sandbox.');
    assert.equal(await p.locator('#story-continue').isDisabled(), true);
    assert.equal(await p.locator('#scenario').getAttribute('data-ended'), 'true');
    assert.equal(await p.locator('#scenario').getAttribute('data-played'), String(story.steps.length));

    // An action of one's own: a push through the push form (opened beside the map from the list
    // of panels), to a repository named aaa (the first in name order, so the catalog's first
    // page shows it).
    await p.click('#panel-list button[data-panel="push"]');
    const h = await hashOf(p);
    const before = await p.evaluate(() => window.stowage.page().catalog(1000).repositories.length);
    await p.fill('#push-repo', 'aaa');
    await p.fill('#push-tag', 'mine');
    await p.setInputFiles('#push-files', { name: 'mine.txt', mimeType: 'text/plain', buffer: Buffer.from(`my own layer, after ${name}\n`) });
    await p.locator('#pending-layers li', { hasText: 'mine.txt' }).waitFor();
    await p.click('#push-submit');
    await p.locator('#catalog [data-repo="aaa"]').waitFor({ state: 'attached' });
    assert.match(await statusOf(p), /aaa:mine/);
    assert.equal(await p.locator('#error').count(), 0, 'the push was not refused');
    assert.notEqual(await hashOf(p), h, 'the push changed the registry');
    const after = await p.evaluate(() => window.stowage.page().catalog(1000).repositories);
    assert.deepEqual([after.length, after[0]], [before + 1, 'aaa']);
    const pulled = await p.evaluate(() => window.stowage.page().pullManifest('aaa', 'mine').digest);
    assert.equal(await p.locator('#catalog [data-repo="aaa"] .manifest[data-digest]').first().getAttribute('data-digest'), pulled);
    await p.context().close();
    timings[name] = { storyMs, totalMs: Date.now() - t0 };
  };

  describe(`the stories, ${CONCURRENCY} at a time`, { concurrency: CONCURRENCY }, () => {
    for (const name of Object.keys(STORIES)) {
      it(`${name}: ${STORIES[name].figure}`, { timeout: 180_000 }, async () => {
        await follow(name);
        const t = timings[name];
        console.log(`# ${name}: ${scenarioOf(name).guide.length} frames in ${(t.storyMs / 1000).toFixed(1)} s, ` +
          `with the sandbox push ${(t.totalMs / 1000).toFixed(1)} s`);
      });
    }
  });

  it('covers every guided scenario in www/scenarios', () => {
    const listed = JSON.parse(readFileSync(join(ROOT, 'www', 'scenarios', 'index.json'), 'utf8')).scenarios;
    const guided = listed.map((e) => e.name).filter((name) => scenarioOf(name).guide?.length);
    assert.deepEqual(guided.sort(), Object.keys(STORIES).sort());
  });

  it('no page error or console error happened', () => {
    assert.deepEqual(web.errors, []);
  });
});
