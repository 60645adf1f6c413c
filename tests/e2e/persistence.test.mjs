// End-to-end test of issue #12, "nothing the user did is ever lost": every kind of action made
// the moment the page can take it survives a reload made at once (and is in IndexedDB within a
// second); changes asked while the saved session is being restored are refused in words, never
// dropped; a reload during a restore loses nothing; every path that replaces the session shown
// (a share link, refused or not, two in a row, an import, a new registry, a story, a kept session
// brought back) sets the one it replaces aside whole, and the page brings it back in one click;
// a revoked key is restored after any number of reloads. The release build in dist/ is served by
// scripts/serve.mjs and driven in headless Chromium by playwright-core. Screenshots go to
// target/e2e/persist-*.png.
//
//   scripts/build.sh && node --test tests/e2e/persistence.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hashOf, paths, site, storedPrefixed, storedRecord } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
const sha256 = (bytes) => 'sha256:' + createHash('sha256').update(bytes).digest('hex');

/** The session IndexedDB holds (text and parts), replayed in the page: its event-log hash. */
const storedHash = (p) => p.evaluate(() => new Promise((ok, fail) => {
  const req = indexedDB.open('stowage');
  req.onerror = () => fail(req.error);
  req.onsuccess = () => {
    const store = req.result.transaction('sessions').objectStore('sessions');
    const current = store.get('current');
    const parts = store.getAll(IDBKeyRange.bound('part:', 'part:\u{10ffff}'));
    parts.onsuccess = () => {
      req.result.close();
      if (!current.result) return ok(null);
      try {
        ok(window.stowage.Registry.loadSessionParts(current.result.text, parts.result.map((r) => r.text)).eventLogHash());
      } catch (e) {
        fail(e);
      }
    };
  };
}));

/** Everything the page keeps in IndexedDB, key by key, as JSON text (to compare byte for byte). */
const storage = async (p) => Object.fromEntries((await storedPrefixed(p, '')).map(({ key, value }) => [key, JSON.stringify(value)]));

/** A change refused while the saved session is restored: its code, from the console. */
const consoleRefusal = (p) => p.evaluate(() => {
  try {
    window.stowage.page().pushBlob('late/arrival', 'made while restoring');
    return 'accepted';
  } catch (e) {
    return e.code;
  }
});

describe('nothing the user did is lost', { timeout: 600_000 }, () => {
  const web = site({ root: ROOT, dist: DIST, timeout: 30_000 });
  const newContext = () => web.newContext({ acceptDownloads: true });
  const open = (context, address, init) => web.open({ context, address, init });
  /** Reloads at once and waits until the page restored what it saved. */
  const reload = async (p) => {
    await p.reload();
    await p.locator('#registry-name').waitFor();
    await p.locator('.page[data-session="ready"]').waitFor({ state: 'attached' });
  };
  const page = (p, f, arg) => p.evaluate(f, arg);

  it('(a) every kind of action made at once survives an immediate reload, and is stored within a second', async () => {
    const context = await newContext();
    // The earliest moment a script can act: an init script pushes the instant stowage.page()
    // takes changes (before, it answers SESSION_RESTORING, so nothing is made on a registry
    // about to be replaced).
    const early = () => {
      if (sessionStorage.getItem('early')) return;
      const tick = setInterval(() => {
        if (!window.stowage?.page) return;
        try {
          window.__early = window.stowage.page().pushBlob('keep/me', 'pushed at the first moment');
          sessionStorage.setItem('early', window.__early);
          clearInterval(tick);
        } catch (e) {
          window.__earlyRefusals = (window.__earlyRefusals ?? 0) + 1;
          window.__earlyCode = e.code;
        }
      }, 1);
    };
    const p = await open(context, undefined, early);
    await p.waitForFunction(() => window.__early);
    const digest = await page(p, () => window.__early);
    assert.equal(digest, sha256(Buffer.from('pushed at the first moment')));
    const h1 = await hashOf(p);
    assert.notEqual(h1, '0'.repeat(64));
    // Reloaded at once (the init script acts once a tab): the push is back.
    await reload(p);
    assert.equal(await hashOf(p), h1);
    assert.equal(await page(p, (d) => new TextDecoder().decode(window.stowage.page().pullBlob('keep/me', d)), digest),
      'pushed at the first moment');

    // Within a second, without a reload: IndexedDB replays to the state shown.
    const before = await hashOf(p);
    await page(p, () => window.stowage.page().pushBlob('team/app', 'stored within a second'));
    const shown = await hashOf(p);
    assert.notEqual(shown, before);
    const t0 = Date.now();
    while (await storedHash(p) !== shown && Date.now() - t0 < 1000) await p.waitForTimeout(25);
    const took = Date.now() - t0;
    assert.equal(await storedHash(p), shown, `the push is in IndexedDB within a second (${took} ms)`);
    assert.ok(took <= 1000, `stored after ${took} ms`);
    console.log(`# a push made from the console was in IndexedDB ${took} ms later`);

    // Each kind of action, then a reload at once: the identical event-log hash.
    const survives = async (what, act) => {
      await act();
      const h = await hashOf(p);
      await reload(p);
      assert.equal(await hashOf(p), h, `${what} survives a reload made at once`);
      return h;
    };
    await survives('a push of an image through the form', async () => {
      await p.fill('#push-repo', 'team/app');
      await p.fill('#push-tag', 'v1');
      await p.setInputFiles('#push-files', { name: 'a.txt', mimeType: 'text/plain', buffer: randomBytes(2000) });
      await p.locator('#pending-layers li', { hasText: 'a.txt' }).waitFor();
      await p.click('#push-submit');
      await p.locator('#catalog [data-repo="team/app"] .tag[data-tag="v1"]').waitFor();
    });
    await survives('a second tag, then an untag (confirmed)', async () => {
      await page(p, () => {
        const r = window.stowage.page();
        const m = r.pullManifest('team/app', 'v1');
        r.pushManifest('team/app', 'v2', m.bytes, m.mediaType);
      });
      const closed = p.locator('#catalog [data-repo="team/app"] .repo-toggle[aria-expanded="false"]');
      if (await closed.count() > 0) await closed.click();
      await p.locator('#catalog [data-repo="team/app"] .tag[data-tag="v2"]').waitFor();
      await p.locator('#catalog [data-repo="team/app"] .tag[data-tag="v2"] .untag').click();
      await p.click('#confirm-yes');
      await p.locator('#catalog [data-repo="team/app"] .tag[data-tag="v2"]').waitFor({ state: 'detached' });
    });
    await survives('a lock', () => page(p, () => window.stowage.page().setAttributes('team/app', 'v1', { deleteEnabled: false })));
    await survives('a tier change', async () => {
      await p.click('#tier-panel button.tier-choice[data-tier="Premium"]');
      await p.locator('#tier-panel button.tier-choice.current[data-tier="Premium"]').waitFor();
    });
    await survives('a replica', () => page(p, () => window.stowage.page().addReplica('eastus')));
    await survives('a fault', () => page(p, () => window.stowage.page().injectFault({ kind: 'zoneFailure', region: 'eastus' })));
    await survives('a clock move', () => p.click('#advance-1m'));
    await survives('a delete (unlocked, confirmed)', async () => {
      await page(p, () => window.stowage.page().setAttributes('team/app', 'v1', { deleteEnabled: true }));
      await page(p, () => window.stowage.page().deleteManifest('team/app', 'v1'));
    });
    const own = await hashOf(p);

    // A registry with a customer-managed key (made through the dialog: the session above is set
    // aside, not dropped), its access revoked after a question that says what stops working.
    await p.click('#new-registry');
    await p.locator('#new-registry-dialog').waitFor();
    await p.fill('#new-name', 'vaulted');
    await p.selectOption('#new-tier', 'Premium');
    await p.selectOption('#new-key', 'automatic');
    await p.click('#new-registry-create');
    await p.locator('#registry-name', { hasText: 'vaulted' }).waitFor();
    await p.locator('#session-kept .kept-item').waitFor();
    await survives('a push to the new registry', () => page(p, () => window.stowage.page().pushBlob('vault/app', 'sealed with my key')));
    await p.click('#key-revoke');
    await p.locator('#confirm').waitFor();
    assert.equal(await p.locator('#confirm-title').textContent(), "Revoke the registry's access to its key?");
    assert.match(await p.locator('#confirm').textContent(),
      /What stops working: every push and pull answers 403 DENIED, and none of the 1 record the key wraps can be read, until the key is restored\./);
    await p.screenshot({ path: join(SHOTS, 'persist-01-revoke-asks.png') });
    await p.click('#confirm-yes');
    await p.locator('#key-state', { hasText: 'access revoked' }).waitFor();
    const revoked = await hashOf(p);
    for (let i = 0; i < 3; i++) {
      await reload(p);
      assert.equal(await hashOf(p), revoked, `reload ${i + 1}: still revoked, nothing lost`);
      assert.equal(await p.locator('#key-state').textContent(), 'access revoked');
      assert.ok(await p.locator('#key-restore').isEnabled(), `reload ${i + 1}: Restore is offered`);
      assert.equal(await p.locator('#key-backup').getAttribute('data-chars'), String('stowage-key-backup-v1:'.length + 64));
    }
    await p.click('#key-restore');
    await p.locator('#key-state', { hasText: 'enabled' }).waitFor();
    const sealed = sha256(Buffer.from('sealed with my key'));
    assert.equal(await page(p, (d) => new TextDecoder().decode(window.stowage.page().pullBlob('vault/app', d)), sealed),
      'sealed with my key');
    await reload(p);
    assert.equal(await p.locator('#key-state').textContent(), 'enabled');

    // A story step: picked from the list (the vaulted session is set aside in turn), one frame on.
    await p.selectOption('#scenario-picker', 'tour.json');
    await p.click('#scenario-load');
    await p.click('#scenario-confirm');
    await p.locator('#story[data-frames]').waitFor();
    const frame = await survives('a story step', async () => {
      await p.click('#story-continue');
      await p.waitForFunction(() => Number(document.querySelector('#clock-now').dataset.ms) > 0);
    });
    assert.equal(await hashOf(p), frame);

    // Both sessions it replaced are kept (the session panel opened beside the story from the
    // list of panels), and the first comes back whole in one click.
    await p.click('#panel-list button[data-panel="session"]');
    const kept = p.locator('#session-kept .kept-item');
    assert.equal(await kept.count(), 2);
    assert.match(await kept.nth(0).locator('.kept-words').textContent(), /^your session, set aside when you made a new registry: registry stowage, /);
    assert.match(await kept.nth(1).locator('.kept-words').textContent(), /^your session, set aside when you opened tour\.json: registry vaulted, /);
    await kept.nth(0).locator('.kept-restore').click();
    await p.locator('#registry-name', { hasText: 'stowage' }).waitFor();
    assert.equal(await hashOf(p), own, 'the first session, exactly as it was');
    await reload(p);
    assert.equal(await hashOf(p), own);
    // The story it replaced is kept in its place.
    assert.equal(await p.locator('#session-kept .kept-item').count(), 2);
    assert.match(await p.locator('#session-kept .kept-item').nth(1).locator('.kept-words').textContent(),
      /^your session, set aside when you restored a kept one: registry tour|^your session, set aside when you restored a kept one/);
    await p.locator('#session').scrollIntoViewIfNeeded();
    await p.locator('#session').screenshot({ path: join(SHOTS, 'persist-02-kept.png') });
    await context.close();
  });

  /** Waits until IndexedDB replays to `h`. */
  const storedAs = async (p, h) => {
    const deadline = Date.now() + 10_000;
    while (await storedHash(p) !== h) {
      if (Date.now() > deadline) throw new Error(`IndexedDB never held the session ${h}`);
      await p.waitForTimeout(100);
    }
  };

  it('(b) while the saved session is restored, changes are refused in words at the top; a reload then loses nothing', async () => {
    const context = await newContext();
    const p = await open(context);
    await page(p, () => {
      const r = window.stowage.page();
      for (let i = 0; i < 800; i++) {
        r.pushBlob(`load/r${i % 20}`, `blob number ${i}; `.repeat(400));
        if (i % 100 === 99) r.advance(60_000); // within the write rate limit
      }
    });
    const h = await hashOf(p);
    await storedAs(p, h);
    // A slow machine (20 times slower): the restore takes seconds.
    const cdp = await context.newCDPSession(p);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
    await p.reload({ waitUntil: 'commit' });
    const busy = p.locator('#session-busy');
    await busy.waitFor();
    await p.locator('.page[data-session="restoring"]').waitFor({ state: 'attached' });
    await p.locator('#session-busy progress').waitFor();
    // The console is refused with a code; so is the page, in words (both read at once: the
    // page's error goes when the restore ends).
    assert.equal(await consoleRefusal(p), 'SESSION_RESTORING');
    const [code, message] = await p.evaluate(async () => {
      document.querySelector('#advance-1m').click();
      for (let i = 0; i < 100 && !document.querySelector('#error .code'); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return [document.querySelector('#error .code')?.textContent, document.querySelector('#error .message')?.textContent];
    });
    assert.equal(code, 'SESSION_RESTORING');
    assert.match(message, /^Not done: (Opening|Restoring) your saved session/);
    const box = await busy.boundingBox();
    assert.ok(box.y <= 1 && box.height > 0, `the restore is said at the top: ${JSON.stringify(box)}`);
    assert.match(await busy.textContent(), /^Restoring your saved session \(.+\): \d+ %\. Changes wait until it is done\.$/);
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.screenshot({ path: join(SHOTS, 'persist-03-restoring.png'), clip: { x: 0, y: 0, width: 1280, height: 300 } });
    // A reload in the middle of the restore: the next one restores the same session.
    await p.reload({ waitUntil: 'commit' });
    await p.locator('.page[data-session="restoring"]').waitFor({ state: 'attached' });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await p.locator('.page[data-session="ready"]').waitFor({ state: 'attached', timeout: 120_000 });
    assert.equal(await hashOf(p), h, 'nothing lost, and nothing made while restoring');
    assert.equal(await p.locator('#session-busy').count(), 0);
    assert.equal(await storedHash(p), h);
    // Now the change is taken, and kept.
    await page(p, () => window.stowage.page().pushBlob('late/arrival', 'made after the restore'));
    const after = await hashOf(p);
    await reload(p);
    assert.equal(await hashOf(p), after);
    await context.close();
  });

  it('(c) share links: a refused one changes nothing stored; a valid one sets yours aside; two in a row keep both; yours comes back in one click', async () => {
    // Two links, made in a browser of their own.
    const other = await newContext();
    const q = await open(other);
    const link = async (repo, text) => {
      await page(q, ({ repo, text }) => window.stowage.page().pushBlob(repo, text), { repo, text });
      await q.click('#session-share');
      await q.locator('#session-link-url').waitFor();
      return { url: await q.locator('#session-link-url').inputValue(), hash: await hashOf(q) };
    };
    const one = await link('shared/one', 'the first link');
    const two = await link('shared/two', 'the second link');
    await other.close();

    const context = await newContext();
    const p = await open(context);
    await page(p, () => {
      const r = window.stowage.page();
      r.pushBlob('mine/app', 'my own work');
      r.advance(60_000);
    });
    const mine = await hashOf(p);
    await storedAs(p, mine);
    const before = await storage(p);

    // A refused link: your session is restored, and storage is byte for byte as it was.
    await p.goto('about:blank');
    await p.goto(`${web.url}#s=${'A'.repeat(120)}`);
    await p.locator('.page[data-session="ready"]').waitFor({ state: 'attached' });
    await p.locator('#error .code', { hasText: 'LINK_REFUSED' }).waitFor();
    assert.match(await p.locator('#error .message').textContent(), /; your saved session is restored instead, unchanged\.?$/);
    assert.equal(await hashOf(p), mine);
    assert.deepEqual(await storage(p), before, 'a refused link changes nothing in storage');
    assert.equal(await p.locator('#session-kept').count(), 0);

    // A valid link: yours is set aside, whole.
    const keptHashes = async () => page(p, (records) => records.map(({ value }) =>
      window.stowage.Registry.loadSessionParts(value.record.text, value.record.partsText ?? []).eventLogHash()),
    await storedPrefixed(p, 'kept:'));
    await p.goto('about:blank');
    await p.goto(one.url);
    await p.locator('.page[data-session="ready"]').waitFor({ state: 'attached' });
    await p.locator('#session-opened.ok', { hasText: 'Opened the shared session' }).waitFor();
    assert.equal(await hashOf(p), one.hash);
    assert.deepEqual(await keptHashes(), [mine]);
    const item = p.locator('#session-kept .kept-item');
    assert.match(await item.first().locator('.kept-words').textContent(),
      /^your own session, set aside when you opened a shared link, 2 actions done, virtual time 00:01:00\.\d{3}; size \d+ B, set aside at \d\d:\d\d:\d\d\.$/);
    await storedAs(p, one.hash);

    // A second link, pasted into the same tab (only the fragment changes): both are kept.
    await p.evaluate((u) => { window.location.href = u; }, two.url);
    await p.waitForFunction((h) => {
      if (!document.querySelector('.page[data-session="ready"]')) return false;
      try { return window.stowage.page().eventLogHash() === h; } catch { return false; }
    }, two.hash);
    assert.deepEqual(await keptHashes(), [mine, one.hash], 'your own session is never overwritten');

    // Work, then a reload: the work is there; yours comes back in one click.
    await page(p, () => window.stowage.page().pushBlob('after/links', 'work after two links'));
    const work = await hashOf(p);
    await reload(p);
    assert.equal(await hashOf(p), work);
    await item.first().locator('.kept-restore').click();
    await p.waitForFunction((h) => window.stowage.page().eventLogHash() === h, mine);
    await reload(p);
    assert.equal(await hashOf(p), mine, 'your own session, after a reload');
    assert.deepEqual(await keptHashes(), [one.hash, work], 'the work after the links is set aside in its place');

    // Deleting a kept session asks first, and says what goes.
    await item.first().locator('.kept-forget').click();
    const ask = p.locator('.kept-forget-ask');
    await ask.waitFor();
    assert.match(await ask.textContent(), /^Delete this kept session \(.+\) from this browser for good\? Everything done in it is lost unless you download it first\./);
    await ask.locator('.kept-forget-no').click();
    assert.equal(await item.count(), 2);
    await item.first().locator('.kept-forget').click();
    await p.locator('.kept-forget-yes').click();
    await p.waitForFunction(() => document.querySelectorAll('#session-kept .kept-item').length === 1);
    assert.deepEqual(await keptHashes(), [work]);

    // An import replaces the session shown once confirmed: that one is set aside too.
    await p.setInputFiles('#session-import-file', { name: 'first-link.json', mimeType: 'application/json',
      buffer: Buffer.from(await page(p, (url) => {
        const data = url.slice(url.indexOf('#s=') + 3);
        return data;
      }, one.url)) });
    await p.locator('#session-import-error').waitFor();
    assert.deepEqual(await keptHashes(), [work], 'a refused import sets nothing aside');
    const exported = await page(p, () => window.stowage.page().saveSession());
    await page(p, () => window.stowage.page().pushBlob('before/import', 'work before the import'));
    const beforeImport = await hashOf(p);
    await p.setInputFiles('#session-import-file', { name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await p.locator('#session-import-ask').waitFor();
    await p.click('#session-import-confirm');
    await p.waitForFunction((h) => window.stowage.page().eventLogHash() === h, mine);
    await p.waitForFunction(() => document.querySelectorAll('#session-kept .kept-item').length === 2);
    assert.match(await item.nth(1).locator('.kept-words').textContent(), /^your session, set aside when you imported mine\.json: registry stowage, /);
    assert.deepEqual(await keptHashes(), [work, beforeImport]);
    await context.close();
  });

  it('(d) limits: the page warns from 80 % with the way out; a call past a limit, or a refused one, leaves the saved session byte for byte', async () => {
    const context = await newContext();
    const p = await open(context);
    // Refused calls keep nothing: five 4 MiB pushes with a wrong digest.
    await page(p, () => window.stowage.page().pushBlob('limits/app', 'the first blob'));
    const first = await page(p, () => window.stowage.page().saveSession());
    const refused = await page(p, () => {
      const big = new Uint8Array(4 << 20).fill(7);
      const codes = [];
      for (let i = 0; i < 5; i++) {
        try {
          window.stowage.page().pushBlob('limits/app', big, `sha256:${'0'.repeat(64)}`);
        } catch (e) {
          codes.push(e.code);
        }
      }
      return codes;
    });
    assert.deepEqual(refused, Array(5).fill('DIGEST_INVALID'));
    assert.equal(await page(p, () => window.stowage.page().saveSession()), first, 'the session text is byte for byte as it was');
    console.log(`# five refused 4 MiB pushes: the session text stays ${Buffer.byteLength(first)} bytes`);

    // A session that may hold 10 actions: a warning at 8, full at 10, the 11th refused.
    const budget = await page(p, () => window.stowage.page().setSessionLimits({ entries: 10 }));
    assert.equal(budget.entries, 1);
    assert.equal(budget.entriesMax, 10);
    await page(p, () => {
      for (let i = 2; i <= 8; i++) window.stowage.page().pushBlob('limits/app', `blob ${i}`);
    });
    const warn = p.locator('#session-budget[data-permille="800"]');
    await warn.waitFor();
    assert.match(await warn.textContent(), /^This session takes 80 % of what a saved session may hold \(8 of 10 actions; .+\)\. At 100 % new actions are refused: Export session keeps it as a file, and New registry starts afresh \(this session is kept aside\)\.$/);
    await page(p, () => {
      for (let i = 9; i <= 10; i++) window.stowage.page().pushBlob('limits/app', `blob ${i}`);
    });
    await p.locator('#session-budget[data-permille="1000"]').waitFor();
    assert.match(await p.locator('#session-budget').textContent(), /^This session is full \(100 %: 10 of 10 actions; /);
    const h = await hashOf(p);
    await storedAs(p, h);
    const before = await storage(p);
    const over = await page(p, () => {
      try {
        window.stowage.page().pushBlob('limits/app', 'one too many');
        return null;
      } catch (e) {
        return [e.code, e.message];
      }
    });
    assert.equal(over[0], 'INVALID_ARGUMENT');
    assert.match(over[1], /11 log entries, 1 over the 10 a saved session may hold/);
    await p.waitForTimeout(1200);
    assert.equal(await hashOf(p), h);
    assert.deepEqual(await storage(p), before, 'the refused call changed nothing stored');
    await p.locator('#session').scrollIntoViewIfNeeded();
    await p.locator('#session').screenshot({ path: join(SHOTS, 'persist-04-full.png') });
    await context.close();
  });

  it('no page error or console error happened', () => {
    assert.deepEqual(web.errors, []);
  });
});
