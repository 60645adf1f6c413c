// End-to-end test of the stage (issue #13: "One stage: the registry's world on one screen").
//
//   - Every guided story, frame by frame, at 1366×900 and on a projector at 1920×1080 (Projector
//     on): the page does not scroll; the map (#geo-map) and every panel the frame names
//     (`data-look`) are on screen whole at the same time — the visible fraction of each, clipped
//     by the window and by every scroller it sits in, is measured and must be at least 0.99;
//     none is covered by the story. A screenshot of each frame: target/e2e/stage/<story>-<size>-<frame>.png.
//     The smallest fraction per story and size is written to target/e2e/stage-fractions.json.
//   - On a projector at 1920×1080 the map is at least 1,200×600 px.
//   - A newcomer's first screen at 1366×900: the start list and the push form are on screen,
//     the map too, and the page does not scroll.
//   - The list of panels opens a panel beside the map (first in the side area, on screen), and
//     so do the things themselves (the cost → the tier, a region → its storage accounts).
//   - axe-core on the stage, a story's last frame at both sizes (projector mode's colours too)
//     and each inspector (a region, a link): no serious or critical violations.
//
//   scripts/build.sh && node --test tests/e2e/stage.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookIds, paths, site, visibleFraction } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
const CONCURRENCY = Number(process.env.STAGE_CONCURRENCY ?? 3);
const LAPTOP = { width: 1366, height: 900 };
const PROJECTOR = { width: 1920, height: 1080 };
const index = JSON.parse(readFileSync(join(ROOT, 'www', 'scenarios', 'index.json'), 'utf8'));
const scenarioOf = (file) => JSON.parse(readFileSync(join(ROOT, 'www', 'scenarios', file), 'utf8'));
/** Every guided story: its name and its frames. */
const STORIES = index.scenarios
  .map((e) => ({ name: e.name, file: e.file, s: scenarioOf(e.file) }))
  .filter((e) => Array.isArray(e.s.guide) && e.s.guide.length > 0);

/** The fraction of an element on screen (helpers.mjs). */
const visible = visibleFraction;
const pageScrolls = (p) => p.evaluate(() => document.scrollingElement.scrollHeight > innerHeight + 1);
/** Whether the story covers any part of `#id` (it sits beside the panels, never over them). */
const underStory = (p, id) => p.evaluate((id) => {
  const a = document.getElementById(id)?.getBoundingClientRect();
  const s = document.getElementById('story')?.getBoundingClientRect();
  if (!a || !s) return false;
  return a.left < s.right && s.left < a.right && a.top < s.bottom && s.top < a.bottom;
}, id);

/** axe-core's serious and critical violations on the page now, as `id: targets`. */
async function axe(p, include) {
  await p.addScriptTag({ path: join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  const found = await p.evaluate(async (include) => {
    const r = await window.axe.run(include ? { include: [include] } : document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`);
  }, include ?? null);
  return found;
}

describe('the stage', { timeout: 900_000 }, () => {
  const web = site({ root: ROOT, dist: DIST, viewport: LAPTOP, timeout: 30_000 });
  const open = (viewport, projector = false) => web.open({
    contextOptions: { viewport, locale: 'en-US' },
    init: projector ? () => localStorage.setItem('stowage.projector', 'on') : undefined,
  });
  const pick = async (p, name) => {
    await p.click(`#start-list li[data-name="${name}"] button`);
    await p.click('#scenario-confirm');
    await p.locator('#story[data-frames]').waitFor();
  };
  /** Continue to frame `i`, and wait until it has played (at most a few seconds). */
  const next = async (p, i) => {
    await p.click('#story-continue');
    await p.locator(`#story[data-frame="${i}"]`).waitFor();
    await p.locator('#story-continue:not([data-playing])').waitFor();
    await p.locator('#run-start').waitFor();
  };

  it('a newcomer sees the map, the stories and the push form on the first screen', async () => {
    const p = await open(LAPTOP);
    assert.equal(await pageScrolls(p), false, 'the page does not scroll');
    assert.equal(await visible(p, '#geo-map'), 1, 'the map is on screen');
    const map = await p.locator('#geo-map').boundingBox();
    assert.ok(map.width >= 800 && map.height >= 200, `the map is ${Math.round(map.width)}×${Math.round(map.height)} px`);
    assert.ok(await visible(p, '#start-list li:first-child button') === 1, 'the first story is on screen');
    assert.ok(await visible(p, '#push h2') === 1, 'the push form\'s heading is on screen');
    assert.ok(await visible(p, '#push-submit, #push button[type="submit"]') > 0 || await visible(p, '#push') > 0.3,
      'the push form is on screen');
    await p.screenshot({ path: join(SHOTS, 'stage-first-screen.png') });
    assert.deepEqual(await axe(p), [], 'axe: the stage');
  });

  it('the list of panels and the things themselves open a panel beside the map', async () => {
    const p = await open(LAPTOP);
    for (const id of ['key-vault', 'events', 'tier-panel']) {
      await p.click(`#panel-list button[data-panel="${id}"]`);
      assert.equal(await p.locator(`#panel-list button[data-panel="${id}"]`).getAttribute('aria-pressed'), 'true');
      const first = await p.evaluate(() => document.querySelector('#side-panels > .slot:not([hidden])').dataset.slot);
      assert.equal(first, id, `${id} comes first beside the map`);
      assert.ok(await visible(p, `#${id} h2`) === 1, `#${id}'s heading is on screen`);
      assert.equal(await visible(p, '#geo-map'), 1, 'the map stays on screen');
    }
    // The cost opens the tier; a region opens its storage accounts.
    await p.click('#panel-list button[data-panel="push"]');
    await p.click('#cost-per-day button');
    assert.equal(await p.evaluate(() => document.querySelector('#side-panels > .slot').dataset.slot), 'tier-panel');
    await p.locator('#geo-map g.region[data-region="westeurope"]').click();
    await p.locator('#inspector #region-panel').waitFor();
    assert.equal(await visible(p, '#region-panel h3'), 1, 'the region\'s inspector is on screen beside the map');
    assert.deepEqual(await axe(p, '#inspector'), [], 'axe: a region\'s inspector');
    // A link's inspector: a replica in North Europe, then the line from home to it.
    await p.evaluate(() => { const r = window.stowage.page(); r.setTier('Premium'); r.addReplica('northeurope'); r.runUntilIdle(); });
    await p.click('#region-close');
    await p.click('#map-view-europe');
    await p.locator('#geo-map .link[data-link="northeurope"]').focus();
    await p.keyboard.press('Enter');
    await p.locator('#inspector #link-panel').waitFor();
    assert.equal(await visible(p, '#link-panel .map-panel-head'), 1, 'the link\'s inspector is on screen beside the map');
    assert.deepEqual(await axe(p, '#inspector'), [], 'axe: a link\'s inspector');
    await p.click('#link-close');
    await p.locator('#geo-map g.region[data-region="westeurope"]').focus();
    await p.keyboard.press('Enter');
    await p.locator('#inspector #region-panel').waitFor();
    await p.click('#region-open-accounts');
    assert.equal(await p.evaluate(() => document.querySelector('#side-panels > .slot').dataset.slot), 'accounts');
    assert.ok(await visible(p, '#accounts h2') === 1, 'the storage accounts are on screen');
    assert.equal(await pageScrolls(p), false);
  });

  const fractions = {};
  for (const [size, viewport, projector] of [['1366x900', LAPTOP, false], ['1920x1080-projector', PROJECTOR, true]]) {
    it(`every guided story at ${size}: the map and the panels each frame names are on screen together`, async () => {
      mkdirSync(join(SHOTS, 'stage'), { recursive: true });
      const failures = [];
      const queue = [...STORIES];
      const worker = async () => {
        for (let story = queue.shift(); story; story = queue.shift()) {
          const p = await open(viewport, projector);
          await pick(p, story.name);
          const least = { map: 1, panels: 1, frames: story.s.guide.length };
          await p.locator('#story[data-frame="0"]').waitFor();
          for (let i = 0; i < story.s.guide.length; i += 1) {
            if (i > 0) await next(p, i);
            const frame = story.s.guide[i];
            const ids = lookIds(frame);
            assert.equal(await p.locator('#story').getAttribute('data-look'), ids.join(' '));
            if (await pageScrolls(p)) failures.push(`${story.name} frame ${i + 1}: the page scrolls`);
            const map = await visible(p, '#geo-map');
            least.map = Math.min(least.map, map);
            if (map < 0.99) failures.push(`${story.name} frame ${i + 1}: the map is ${(map * 100).toFixed(1)} % on screen`);
            for (const id of ids) {
              const f = await visible(p, `#${id}`);
              least.panels = Math.min(least.panels, f);
              if (f < 0.99) failures.push(`${story.name} frame ${i + 1}: #${id} is ${(f * 100).toFixed(1)} % on screen`);
              if (id !== 'geo' && await underStory(p, id)) failures.push(`${story.name} frame ${i + 1}: the story covers #${id}`);
            }
            if (projector && i === 0) {
              const box = await p.locator('#geo-map').boundingBox();
              if (box.width < 1200 || box.height < 600) failures.push(`${story.name}: the map is ${Math.round(box.width)}×${Math.round(box.height)} px`);
              least.mapPx = `${Math.round(box.width)}×${Math.round(box.height)}`;
            }
            await p.screenshot({ path: join(SHOTS, 'stage', `${story.name}-${size}-${i + 1}.png`) });
          }
          if (story.name === 'split-push-guided' || story.name === 'key-revoked') {
            const found = await axe(p);
            if (found.length) failures.push(`axe, ${story.name} at ${size}: ${found.join('; ')}`);
          }
          fractions[`${story.name} ${size}`] = least;
          await p.context().close();
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      writeFileSync(join(ROOT, 'target', 'e2e', 'stage-fractions.json'), JSON.stringify(fractions, null, 1));
      assert.deepEqual(failures, []);
      assert.equal(Object.keys(fractions).filter((k) => k.endsWith(size)).length, STORIES.length);
    });
  }
});
