// End-to-end test of the world map (ui/components/geo_map.rs) telling the truth at a glance:
//
//   - a region in outage, a region's failed storage, paused replication and a lost customer key
//     each look different from a healthy replica (the dot's colour AND a mark over it) and say
//     so in words (`data-health`, the region panel's badge); a partitioned, slow, paused or
//     outage link has its own pattern, `data-health` and words ("partitioned", "slow ×5", …);
//   - the legend under the map explains every one of those looks;
//   - every region's hit target is at least 24×24 px at 1366×900, the point at each region's
//     centre belongs to that region, and a region is reached by Tab and selected by Enter or
//     Space, with a visible focus ring.
//
// The faults come from `stowage.page()` (the JS API), as a console user would inject them.
// Screenshots go to target/e2e/map-*.png.
//
//   scripts/build.sh && node --test tests/e2e/map.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { paths, site } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
const VIEWPORT = { width: 1366, height: 900 };
const HOME = 'westeurope';
const REPLICAS = ['eastus', 'japaneast', 'brazilsouth', 'australiaeast'];

/** Replaces the page's registry through the dialog: Premium, a customer-managed key, home `HOME`. */
async function premiumWithKey(p) {
  await p.click('#new-registry');
  await p.locator('#new-registry-dialog').waitFor();
  await p.fill('#new-name', 'maptest');
  await p.selectOption('#new-tier', 'Premium');
  await p.selectOption('#new-key', 'automatic');
  await p.selectOption('#new-region', HOME);
  await p.click('#new-registry-create');
  await p.locator('#new-registry-dialog').waitFor({ state: 'detached' });
  await p.locator('#registry-name', { hasText: 'maptest' }).waitFor();
}

const api = (p, fn, arg) => p.evaluate(([fn, arg]) => window.stowage.page()[fn](arg), [fn, arg]);
const region = (p, name) => p.locator(`#geo-map .region[data-region="${name}"]`);
const link = (p, id) => p.locator(`#geo-map .link[data-link="${id}"]`);
/** A region's look: its `data-health`, its dot's fill, and its mark (if any). */
const lookOf = (p, name) => region(p, name).evaluate((g) => ({
  health: g.dataset.health,
  fill: getComputedStyle(g.querySelector('.dot')).fill,
  mark: g.querySelector('.health-mark')?.getAttribute('d') ?? null,
}));
/** A link's look: its `data-health`, its line's stroke and dash pattern, and its label. */
const linkLookOf = (p, id) => link(p, id).evaluate((g) => {
  const line = getComputedStyle(g.querySelector('.link-line'));
  return { health: g.dataset.health, stroke: line.stroke, dash: line.strokeDasharray, label: g.querySelector('.link-label').textContent };
});
/** Opens a region's panel from the keyboard and returns its badge's words and `data-state`. */
async function badgeOf(p, name) {
  await region(p, name).focus();
  await p.keyboard.press('Enter');
  const badge = p.locator(`#region-panel[data-region="${name}"] .state-badge`);
  await badge.waitFor();
  return { text: await badge.textContent(), state: await badge.getAttribute('data-state') };
}
const shot = async (p, name) => {
  await p.locator('#geo').scrollIntoViewIfNeeded();
  await p.locator('#geo').screenshot({ path: join(SHOTS, name) });
};

describe('the map tells the truth at a glance', { timeout: 300_000 }, () => {
  const web = site({ root: ROOT, dist: DIST, viewport: VIEWPORT });
  let p;

  it('outage, failed storage, paused replication, partitioned and slow links each look and read differently', async () => {
    p = await web.open();
    await premiumWithKey(p);
    for (const r of REPLICAS) await api(p, 'addReplica', r);
    await api(p, 'advance', 600_000);
    for (const r of REPLICAS) await p.locator(`#replicas tr[data-region="${r}"][data-state="ready"]`).waitFor();

    const healthy = await lookOf(p, 'eastus');
    assert.equal(healthy.health, 'ok');
    assert.equal(healthy.mark, null);
    assert.equal((await linkLookOf(p, 'eastus')).label, 'in sync');
    assert.deepEqual(await badgeOf(p, 'eastus'), { text: 'ready', state: 'ready' });
    await shot(p, 'map-healthy.png');

    await api(p, 'injectFault', { kind: 'regionOutage', region: 'eastus', destroyed: false });
    await api(p, 'injectFault', { kind: 'regionStorageFailure', region: 'japaneast', destroyed: false });
    await api(p, 'injectFault', { kind: 'replicationPaused', region: 'brazilsouth' });
    await api(p, 'injectFault', { kind: 'networkPartition', from: HOME, to: 'australiaeast', oneWay: false });
    await api(p, 'injectFault', { kind: 'slowLink', from: HOME, to: 'japaneast', factor: 5 });
    await region(p, 'eastus').and(p.locator('[data-health="outage"]')).waitFor();

    const looks = {};
    for (const r of [...REPLICAS, HOME]) looks[r] = await lookOf(p, r);
    assert.equal(looks.eastus.health, 'outage');
    assert.equal(looks.japaneast.health, 'storage-failed');
    assert.equal(looks.brazilsouth.health, 'paused');
    assert.equal(looks.australiaeast.health, 'ok', 'a partition is on the link, not the region');
    assert.equal(looks[HOME].health, 'ok');
    // Colour and a mark: every trouble has a fill of its own, unlike a healthy replica's, and a mark.
    const troubled = [looks.eastus, looks.japaneast, looks.brazilsouth];
    assert.equal(new Set([healthy.fill, ...troubled.map((l) => l.fill)]).size, 4, JSON.stringify(looks));
    assert.equal(new Set(troubled.map((l) => l.mark)).size, 3);
    assert.ok(troubled.every((l) => l.mark), 'each trouble has a mark, not colour alone');
    assert.match(await region(p, 'eastus').getAttribute('aria-label'), /: replica, ready · outage; faults: /);

    // The badge in the region panel says what is wrong, not "ready".
    assert.deepEqual(await badgeOf(p, 'eastus'), { text: 'outage', state: 'outage' });
    assert.deepEqual(await badgeOf(p, 'japaneast'), { text: 'storage failed', state: 'storage-failed' });
    assert.deepEqual(await badgeOf(p, 'brazilsouth'), { text: 'paused', state: 'paused' });
    assert.deepEqual(await badgeOf(p, 'australiaeast'), { text: 'ready', state: 'ready' });

    // The links' words and patterns.
    const links = {};
    for (const r of REPLICAS) links[r] = await linkLookOf(p, r);
    assert.equal(links.eastus.health, 'outage');
    assert.match(links.eastus.label, /^outage · /);
    assert.doesNotMatch(links.eastus.label, /in sync/);
    assert.equal(links.japaneast.health, 'slow');
    assert.match(links.japaneast.label, /^slow ×5 · /);
    assert.equal(links.brazilsouth.health, 'paused');
    assert.match(links.brazilsouth.label, /^paused · /);
    assert.equal(links.australiaeast.health, 'partitioned');
    assert.match(links.australiaeast.label, /^partitioned · /);
    assert.match(await link(p, 'australiaeast').getAttribute('class'), /\bcut\b/);
    const patterns = Object.values(links).map((l) => `${l.stroke} ${l.dash}`);
    assert.equal(new Set(patterns).size, 4, `each link trouble has a pattern of its own: ${patterns}`);
    await region(p, 'eastus').evaluate((g) => g.blur());
    await shot(p, 'map-faults.png');

    // Healed: healthy again, and "in sync" comes back.
    await api(p, 'healAll');
    await region(p, 'eastus').and(p.locator('[data-health="ok"]')).waitFor();
    assert.equal((await linkLookOf(p, 'eastus')).health, 'ok');
  });

  it('a lost customer key marks every replica, in words and a mark of its own', async () => {
    await api(p, 'disableKey');
    await region(p, HOME).and(p.locator('[data-health="key-disabled"]')).waitFor();
    for (const r of [HOME, ...REPLICAS]) {
      const look = await lookOf(p, r);
      assert.equal(look.health, 'key-disabled', r);
      assert.ok(look.mark, r);
    }
    assert.equal(await region(p, 'northeurope').getAttribute('data-health'), 'ok', 'a region with no replica holds no key');
    assert.deepEqual(await badgeOf(p, 'eastus'), { text: 'key disabled', state: 'key-disabled' });
    await region(p, 'eastus').evaluate((g) => g.blur());
    await shot(p, 'map-key.png');
  });

  it('the legend explains every look', async () => {
    const items = await p.locator('#geo-looks li').evaluateAll((lis) => lis.map((li) => [li.dataset.look, li.textContent.trim()]));
    assert.deepEqual(items, [
      ['outage', 'outage'],
      ['storage-failed', 'storage failed'],
      ['paused', 'paused'],
      ['key-revoked', 'key access revoked'],
      ['key-disabled', 'key disabled'],
      ['key-deleted', 'key deleted'],
      ['link-partitioned', 'link partitioned'],
      ['link-slow', 'link slow ×N'],
      ['link-paused', 'replication paused'],
      ['link-outage', 'link to a region in outage'],
    ]);
    assert.ok(await p.locator('#geo-looks').isVisible());
    // The legend's swatches are drawn as the map draws them: the same fill as the region in trouble.
    const swatch = await p.locator('#geo-looks li[data-look="key-disabled"] .dot').evaluate((c) => getComputedStyle(c).fill);
    assert.equal(swatch, (await lookOf(p, 'eastus')).fill);
  });

  it('every region has a hit target of at least 24×24 px, its centre picks it, and the keyboard reaches and selects it', async () => {
    await p.click('#map-view-world');
    await p.locator('#geo-map').scrollIntoViewIfNeeded();
    const regions = await p.locator('#geo-map .region').evaluateAll((gs) => gs.map((g) => g.dataset.region));
    assert.equal(regions.length, 38);
    const hits = await p.locator('#geo-map .region-hit').evaluateAll((cs) => cs.map((c) => {
      const b = c.getBoundingClientRect();
      return { region: c.dataset.hit, width: b.width, height: b.height };
    }));
    assert.equal(hits.length, 38);
    const smallest = Math.min(...hits.flatMap((h) => [h.width, h.height]));
    console.log(`# smallest region hit target: ${smallest.toFixed(1)} px`);
    assert.ok(smallest >= 24, `hit targets: ${JSON.stringify(hits.filter((h) => h.width < 24 || h.height < 24))}`);
    const missed = await p.evaluate(() => [...document.querySelectorAll('#geo-map .region')].flatMap((g) => {
      const b = g.querySelector('.dot').getBoundingClientRect();
      const at = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
      const picked = at?.closest('[data-region]')?.dataset.region ?? at?.dataset.hit;
      return picked === g.dataset.region ? [] : [`${g.dataset.region} → ${picked ?? at?.tagName}`];
    }));
    assert.deepEqual(missed, [], 'the point at each region\'s centre belongs to that region');

    // A click off the dot but within the target selects the region.
    const box = await p.locator('#geo-map .region-hit[data-hit="southafricanorth"]').boundingBox();
    await p.mouse.click(box.x + box.width / 2, box.y + box.height * 0.1);
    await p.locator('#region-panel[data-region="southafricanorth"]').waitFor();

    // Tab reaches the regions; Enter selects one as a click does, Space too; the ring shows.
    await p.locator('#map-view-asia').focus();
    await p.click('#map-view-world');
    let focused;
    for (let i = 0; i < 200 && !focused; i++) {
      await p.keyboard.press('Tab');
      focused = await p.evaluate(() => document.activeElement?.closest?.('#geo-map .region')?.dataset.region);
    }
    assert.ok(focused, 'Tab reaches a region');
    const ring = await region(p, focused).locator('.focus-ring').evaluate((c) => {
      const s = getComputedStyle(c);
      const b = c.getBoundingClientRect();
      return { stroke: s.stroke, width: b.width };
    });
    assert.notEqual(ring.stroke, 'none', 'a visible focus ring');
    assert.ok(ring.width >= 24, `the ring shows the target: ${ring.width}`);
    await shot(p, 'map-focus.png');
    await p.keyboard.press('Enter');
    await p.locator(`#region-panel[data-region="${focused}"]`).waitFor();
    await p.keyboard.press('Tab');
    const next = await p.evaluate(() => document.activeElement?.closest?.('#geo-map .region')?.dataset.region);
    assert.ok(next && next !== focused, 'the next Tab reaches the next region');
    await p.keyboard.press(' ');
    await p.locator(`#region-panel[data-region="${next}"]`).waitFor();
    assert.deepEqual(web.errors, []);
  });
});
