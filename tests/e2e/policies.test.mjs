// End-to-end test of the policy panels and the replicas table:
//
//   - the retention and soft-delete forms (ui/components/policy_form.rs) show the engine's policy
//     whenever it changes from elsewhere: the JS API (`stowage.page()`), time travel, a guided
//     scenario's step; and they keep what a person types while the policy stays as it was;
//   - the replicas table at a 1280 px wide window, with three replicas, is not cut off on the
//     right (it fits its panel, or scrolls inside it); and at 1920 px it fits.
//
// The release build in dist/ (or $DIST) is served by scripts/serve.mjs and driven in headless
// Chromium by playwright-core, as in page.test.mjs and story.test.mjs. Each test opens a browser
// context of its own, so IndexedDB starts empty. Screenshots go to target/e2e/policies-*.png.
//
//   scripts/build.sh && node --test tests/e2e/policies.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths, site } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
/** ACR's default period, which the forms offer while a policy is off. */
const DEFAULT_DAYS = '7';

/**
 * A policy panel (`retention` or `soft-delete`) read in one go, so the form and the summary are
 * seen as one render left them: the policy in force (the panel's data attributes), the summary
 * line, and the form's checkbox and days field.
 */
const panelOf = (p, id) => p.evaluate((id) => {
  const panel = document.getElementById(id);
  return {
    policy: { enabled: panel.dataset.enabled === 'true', days: panel.dataset.days },
    summary: document.getElementById(`${id}-state`).textContent,
    form: { enabled: document.getElementById(`${id}-enabled`).checked, days: document.getElementById(`${id}-days`).value },
  };
}, id);

/**
 * Calls `stowage.page()[method](...args)` in the page and returns the panel `id` as it is the
 * first time its policy reads `enabled`/`days` (the form is read in the same look, so it must
 * agree at once, not some renders later).
 */
async function viaApi(p, id, method, args, enabled, days) {
  await p.evaluate(([method, args]) => { window.stowage.page()[method](...args); }, [method, args]);
  const handle = await p.waitForFunction(([id, enabled, days]) => {
    const panel = document.getElementById(id);
    if (panel.dataset.enabled !== String(enabled) || panel.dataset.days !== String(days)) return null;
    return {
      policy: { enabled, days: String(days) },
      summary: document.getElementById(`${id}-state`).textContent,
      form: { enabled: document.getElementById(`${id}-enabled`).checked, days: document.getElementById(`${id}-days`).value },
    };
  }, [id, enabled, days], { timeout: 10_000 });
  return handle.jsonValue();
}

/** Waits until the clock bar shows virtual time `ms` (the page has drawn what happened until then). */
const clockAt = (p, ms) => p.waitForFunction((ms) => document.getElementById('clock-now')?.dataset.ms === String(ms), ms);

describe('the policy forms follow the engine; the replicas table fits', { timeout: 300_000 }, () => {
  const web = site({ root: ROOT, dist: DIST });
  /** A fresh browser context (its own, empty IndexedDB) with the page open and mounted. */
  const openFresh = async () => {
    const p = await web.open();
    await p.locator('#retention').waitFor();
    return p;
  };
  /** A screenshot of the window with the element `at` in the middle. */
  const shot = async (p, name, at) => {
    await p.locator(at).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await p.screenshot({ path: join(SHOTS, name) });
  };

  it('the retention form shows the policy the JS API sets, at once; typing survives other changes; time travel shows the policy of then', async () => {
    const p = await openFresh();
    await p.evaluate(() => window.stowage.page().setTier('Premium'));
    await p.locator('#tier-badge', { hasText: 'Premium' }).waitFor();
    const before = await panelOf(p, 'retention');
    assert.deepEqual(before.form, { enabled: false, days: DEFAULT_DAYS }, 'off: the default period is offered');
    assert.equal(before.policy.enabled, false);

    // On, 1 day, from the console: the same render that says so in words checks the box and shows 1.
    const on = await viaApi(p, 'retention', 'setRetentionPolicy', [true, 1], true, 1);
    assert.equal(on.summary, 'On: manifests untagged from now on are deleted 1 day after untagging.');
    assert.deepEqual(on.form, { enabled: true, days: '1' });
    const onAtMs = await p.evaluate(() => window.stowage.page().now());
    await shot(p, 'policies-retention-api.png', '#retention');

    // What a person types stays while the policy does not change (here: the clock runs a minute).
    await p.fill('#retention-days', '30');
    await p.evaluate(() => window.stowage.page().advance(60_000));
    await clockAt(p, onAtMs + 60_000);
    assert.deepEqual((await panelOf(p, 'retention')).form, { enabled: true, days: '30' }, 'the typed period is kept');

    // Another change from the console replaces it with the policy in force.
    const two = await viaApi(p, 'retention', 'setRetentionPolicy', [true, 2], true, 2);
    assert.deepEqual(two.form, { enabled: true, days: '2' });

    // Off from the console: unchecked, and the default period offered again.
    const off = await viaApi(p, 'retention', 'setRetentionPolicy', [false], false, 7);
    assert.equal(off.summary, await p.evaluate(() => document.getElementById('retention-state').textContent));
    assert.deepEqual(off.form, { enabled: false, days: DEFAULT_DAYS });

    // Time travel to when the policy was on with 1 day, and back to the present.
    await p.evaluate((ms) => window.stowage.page().travelTo(ms), onAtMs + 1000);
    await p.locator('#retention[data-enabled="true"][data-days="1"]').waitFor();
    assert.deepEqual((await panelOf(p, 'retention')).form, { enabled: true, days: '1' }, 'in the past: the policy of then');
    await p.evaluate(() => window.stowage.page().returnToPresent());
    await p.locator('#retention[data-enabled="false"]').waitFor();
    assert.deepEqual((await panelOf(p, 'retention')).form, { enabled: false, days: DEFAULT_DAYS }, 'back at the present');

    // The form's own Apply still works, and the form then shows what it applied.
    await p.check('#retention-enabled');
    await p.fill('#retention-days', '3');
    await p.click('#retention-apply');
    await p.locator('#retention[data-enabled="true"][data-days="3"]').waitFor();
    assert.deepEqual((await panelOf(p, 'retention')).form, { enabled: true, days: '3' });
  });

  it('the soft-delete form shows the policy the JS API sets, at once (retention off first: they cannot both be on)', async () => {
    const p = await openFresh();
    await p.evaluate(() => window.stowage.page().setTier('Premium'));
    await p.locator('#tier-badge', { hasText: 'Premium' }).waitFor();
    // Retention on, then off again, so soft delete may be turned on.
    await viaApi(p, 'retention', 'setRetentionPolicy', [true, 1], true, 1);
    const retentionOff = await viaApi(p, 'retention', 'setRetentionPolicy', [false], false, 7);
    assert.deepEqual(retentionOff.form, { enabled: false, days: DEFAULT_DAYS });

    assert.deepEqual((await panelOf(p, 'soft-delete')).form, { enabled: false, days: DEFAULT_DAYS });
    const on = await viaApi(p, 'soft-delete', 'setSoftDeletePolicy', [true, 3], true, 3);
    assert.equal(on.summary, await p.evaluate(() => document.getElementById('soft-delete-state').textContent));
    assert.match(on.summary, /3 days/);
    assert.deepEqual(on.form, { enabled: true, days: '3' });
    await shot(p, 'policies-soft-delete-api.png', '#soft-delete');

    // Typing survives an unrelated change; a new policy replaces it.
    await p.fill('#soft-delete-days', '45');
    const at = await p.evaluate(() => { const r = window.stowage.page(); r.advance(1000); return r.now(); });
    await clockAt(p, at);
    assert.deepEqual((await panelOf(p, 'soft-delete')).form, { enabled: true, days: '45' });
    const ninety = await viaApi(p, 'soft-delete', 'setSoftDeletePolicy', [true, 90], true, 90);
    assert.deepEqual(ninety.form, { enabled: true, days: '90' });
    const off = await viaApi(p, 'soft-delete', 'setSoftDeletePolicy', [false], false, 7);
    assert.deepEqual(off.form, { enabled: false, days: DEFAULT_DAYS });

    // The form's own Apply still works.
    await p.check('#soft-delete-enabled');
    await p.fill('#soft-delete-days', '5');
    await p.click('#soft-delete-apply');
    await p.locator('#soft-delete[data-enabled="true"][data-days="5"]').waitFor();
    assert.deepEqual((await panelOf(p, 'soft-delete')).form, { enabled: true, days: '5' });
  });

  it("retention-surprises, frame 3: the retention form agrees with the panel's summary", { timeout: 90_000 }, async () => {
    const name = 'retention-surprises';
    const story = JSON.parse(readFileSync(join(ROOT, 'www', 'scenarios', `${name}.json`), 'utf8'));
    const p = await openFresh();
    const entry = p.locator(`#start-list li[data-name="${name}"][data-guided="true"]`);
    await entry.waitFor();
    await entry.locator('.start-pick').click();
    await p.locator('#scenario-dialog').waitFor();
    await p.click('#scenario-confirm');
    await p.locator('#scenario-dialog').waitFor({ state: 'detached' });
    await p.locator(`#scenario[data-name="${name}"]`).waitFor();
    await p.locator('#story[data-frame="0"]').waitFor();
    assert.equal(await p.locator('#story').getAttribute('data-frames'), String(story.guide.length));
    for (let i = 1; i <= 2; i++) {
      await p.click('#story-continue');
      await p.locator(`#story[data-frame="${i}"]`).waitFor({ timeout: 30_000 });
    }
    await p.locator('#run-start').waitFor();
    assert.equal(await p.locator('#story-frame').textContent(), `Frame 3 of ${story.guide.length}`);
    const r = await panelOf(p, 'retention');
    assert.deepEqual(r.policy, { enabled: true, days: '1' });
    assert.equal(r.summary, 'On: manifests untagged from now on are deleted 1 day after untagging.');
    assert.deepEqual(r.form, { enabled: true, days: '1' }, 'the form shows the policy the summary states');
    await shot(p, 'policies-story-frame3.png', '#retention');

    // Back to frame 2 (before the policy was on): the form follows.
    await p.click('#story-back');
    await p.locator('#story[data-frame="1"]').waitFor();
    const back = await panelOf(p, 'retention');
    assert.equal(back.policy.enabled, false);
    assert.deepEqual(back.form, { enabled: false, days: DEFAULT_DAYS });
  });

  it('the replicas table with three replicas is not cut off at 1280 px, and fits at 1920 px', { timeout: 90_000 }, async () => {
    const p = await openFresh();
    await p.evaluate(() => {
      const r = window.stowage.page();
      r.setTier('Premium');
      r.addReplica('eastus');
      r.addReplica('japaneast');
      r.runUntilIdle();
    });
    await p.locator('#replicas tbody tr[data-region]').nth(2).waitFor();
    await p.locator('#replicas tr[data-region="japaneast"][data-state="ready"]').waitFor();
    assert.equal(await p.locator('#replicas tbody tr[data-region]').count(), 3);

    const measure = () => p.evaluate(() => {
      const panel = document.getElementById('replicas');
      const scroll = panel.querySelector('.table-scroll');
      const table = panel.querySelector('table.replica-table');
      const box = (el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right }; };
      const cs = getComputedStyle(panel);
      const inner = box(panel);
      inner.left += parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft);
      inner.right -= parseFloat(cs.borderRightWidth) + parseFloat(cs.paddingRight);
      const heads = [...table.querySelectorAll('thead th')].map((th) => ({
        text: th.textContent, clipped: th.scrollWidth > th.clientWidth + 1, right: th.getBoundingClientRect().right,
      }));
      return {
        window: window.innerWidth, doc: document.documentElement.scrollWidth,
        panel: box(panel), inner, scroll: box(scroll), table: box(table),
        scrollWidth: scroll.scrollWidth, clientWidth: scroll.clientWidth,
        overflowX: getComputedStyle(scroll).overflowX, heads,
      };
    });

    for (const width of [1280, 1920]) {
      await p.setViewportSize({ width, height: 900 });
      await p.locator('#replicas').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      const m = await measure();
      console.log(`# ${width} px: panel ${Math.round(m.panel.left)}–${Math.round(m.panel.right)}, ` +
        `content ${Math.round(m.inner.left)}–${Math.round(m.inner.right)}, table ${Math.round(m.table.left)}–${Math.round(m.table.right)}, ` +
        `scroll box ${m.clientWidth} of ${m.scrollWidth} px; page ${m.doc} px wide`);
      await p.locator('#replicas').screenshot({ path: join(SHOTS, `policies-replicas-${width}.png`) });
      await p.screenshot({ path: join(SHOTS, `policies-replicas-${width}-window.png`) });
      assert.ok(m.panel.right <= width, `the panel ends at ${m.panel.right}, inside the ${width} px window`);
      assert.ok(m.doc <= width, `the page does not scroll sideways (${m.doc} px)`);
      // The scroll box stays inside the panel; the table either fits it, or the box scrolls.
      assert.ok(m.scroll.right <= m.inner.right + 0.5, `scroll box ${m.scroll.right} within the panel's content ${m.inner.right}`);
      const fits = m.table.right <= m.inner.right + 0.5;
      assert.ok(fits || (m.overflowX === 'auto' && m.scrollWidth > m.clientWidth),
        `the table ends at ${m.table.right}, past the panel's content (${m.inner.right}), and does not scroll`);
      // No header is clipped inside its own cell.
      for (const h of m.heads) assert.ok(!h.clipped, `header "${h.text}" is clipped`);
      if (width === 1920) assert.ok(fits, `at 1920 px the table fits (ends ${m.table.right}, content ${m.inner.right})`);
      if (width === 1280) {
        assert.ok(fits, `at 1280 px the table fits (ends ${m.table.right}, content ${m.inner.right})`);
        // The last header, "billed", is in view.
        const last = m.heads.at(-1);
        assert.ok(last.right <= m.inner.right + 0.5, `the last header ends at ${last.right}`);
      }
    }
  });

  it('no page error or console error happened', () => {
    assert.deepEqual(web.errors, []);
  });
});
