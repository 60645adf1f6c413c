// End-to-end tests of the small things issue 13 lists ("One stage"), in the release build:
//
// - A synthetic layer's sealed form says it is synthetic: its declared size is billed while only
//   a seed sample is sealed (the seal view and the storage accounts both say so, from the engine's
//   views, not from a guess in the page).
// - Counts are grouped wherever they are shown: "3,021 records", never "3021 records", in
//   English, Dutch and French.
// - The start screen lists the stories in the order the scenario index gives: the tour, then the
//   ACR pain points in the README's order, then the plain scenarios.
//
// (The large preset's panel, which says done and can then be closed, is checked where the preset
// is loaded: tests/e2e/scale.test.mjs.)
//
//   scripts/build.sh && node --test tests/e2e/small.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths, site } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);

/** The scenarios README.md lists where it says which ship, in its order. */
const readmeOrder = () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf('ship in `www/scenarios/`.');
  const to = readme.indexOf('Play one natively', from);
  assert.ok(from > 0 && to > from, 'README.md lists the shipped scenarios');
  return [...readme.slice(from, to).matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
};

describe('the small things of issue 13', { timeout: 240_000 }, () => {
  const web = site({ root: ROOT, dist: DIST, timeout: 30_000 });
  const open = (locale = 'en-US') => web.open({ contextOptions: { locale } });

  it('a synthetic layer says plainly that its declared size is billed and only a seed sample is sealed', async () => {
    const p = await open();
    // The intro card about sealing says it before anything is pushed.
    const card = p.locator('.intro .step').nth(1);
    assert.match(await card.textContent(), /A synthetic layer bills its declared size but seals only a seed sample\.$/);
    await p.locator('.intro').scrollIntoViewIfNeeded();
    await p.locator('.intro').screenshot({ path: join(SHOTS, 'small-00-intro-sealed.png') });
    await p.fill('#synthetic-size', '28.6');
    await p.selectOption('#synthetic-unit', 'MiB');
    await p.click('#add-synthetic');
    await p.locator('#pending-layers li[data-kind="synthetic"]').waitFor();
    await p.fill('#push-repo', 'demo/synthetic');
    await p.fill('#push-tag', 'v1');
    await p.click('#push-submit');
    const row = p.locator('li.blob[data-layer]').first();
    await row.waitFor();
    await row.locator('.seal-layer').click();
    const note = row.locator('.sealed .seal-synthetic');
    await note.waitFor();
    const declared = Number(await note.getAttribute('data-declared-bytes'));
    const sealed = Number(await note.getAttribute('data-sealed-bytes'));
    assert.equal(declared, Math.round(28.6 * 1024 * 1024));
    assert.ok(sealed < 66 * 1024, `only the seed sample is sealed: ${sealed} bytes`);
    assert.equal(await note.textContent(),
      'Synthetic layer: 28.6 MiB declared and billed; only a 64.1 KiB seed sample is sealed and stored.');
    await row.scrollIntoViewIfNeeded();
    await row.screenshot({ path: join(SHOTS, 'small-01-seal-synthetic.png') });

    // The storage accounts: billed 28.6 MiB beside a sealed sample, and why.
    const accounts = p.locator('#accounts .accounts-synthetic');
    assert.equal(await accounts.getAttribute('data-synthetic-records'), '1');
    assert.equal(await accounts.textContent(),
      'synthetic Billed includes 1 synthetic layer: 28.6 MiB declared and billed, but only a seed sample ' +
      'of at most 64 KiB each is sealed and stored, so sealed reads far below billed.');
    const engine = await p.evaluate(() => window.stowage.page().usage());
    assert.equal(engine.totalSyntheticRecords, 1);
    assert.equal(engine.totalSyntheticBilledBytes, declared);
    await p.locator('#accounts').screenshot({ path: join(SHOTS, 'small-02-accounts-synthetic.png') });
    await p.context().close();
  });

  for (const [locale, lang, records] of [
    ['en-US', 'en', '1,021 records'], ['nl-NL', 'nl', '1.021 records'], ['fr-FR', 'fr', '1\u202f021 enregistrements'],
  ]) {
    it(`counts are grouped (${lang}): ${records}`, async () => {
      const p = await open(locale);
      assert.equal(await p.evaluate(() => document.documentElement.lang), lang);
      // 1,021 one-byte synthetic blobs through the page's JS API: 1,021 records (with the rate
      // limits off, so 1,000 writes a minute are not refused).
      await p.evaluate(() => {
        const r = window.stowage.page();
        r.setRateModel('off');
        for (let i = 0; i < 1021; i++) r.pushSyntheticBlob('demo/many', 1, i + 1);
      });
      const sub = p.locator('.fact.storage .sub').first();
      await p.waitForFunction((want) => document.querySelector('.fact.storage .sub')?.textContent.includes(want), records);
      assert.ok((await sub.textContent()).includes(records), await sub.textContent());
      // The accounts' total, and no bare four-digit count anywhere on the page.
      const total = await p.locator('#accounts tfoot td').first().textContent();
      assert.equal(total, records.split(' ')[0]);
      const bare = await p.evaluate(() => (document.body.innerText.match(/(?<![\d.,:\u202f\w#-])\d{4,}(?= (records?|enregistrements?|blobs?|manifests?|tags?|layers?|lagen|couches?))/g) ?? []));
      assert.deepEqual(bare, [], 'every count of four digits or more is grouped');
      if (lang === 'en') await p.locator('header.top').screenshot({ path: join(SHOTS, 'small-03-grouped.png') });
      await p.context().close();
    });
  }

  it('the start screen lists the tour, then the pain points in the README\'s order, from the index', async () => {
    const index = JSON.parse(readFileSync(join(ROOT, 'www', 'scenarios', 'index.json'), 'utf8')).scenarios.map((e) => e.name);
    assert.deepEqual(index, readmeOrder(), 'www/scenarios/index.json is in the order README.md tells them');
    assert.equal(index[0], 'tour');
    const p = await open();
    await p.locator('#start-list li[data-guided="true"]').first().waitFor();
    // Once every file is read, the guided ones are known; the index puts them first already.
    await p.waitForFunction((n) => document.querySelectorAll('#start-list li[data-guided="true"]').length === n, 13);
    const shown = await p.locator('#start-list li').evaluateAll((lis) => lis.map((li) => li.dataset.name));
    assert.deepEqual(shown, index);
    await p.locator('#start').screenshot({ path: join(SHOTS, 'small-04-start-order.png') });
    await p.context().close();
  });

  it('no page error or console error happened', () => {
    assert.deepEqual(web.errors, []);
  });
});
