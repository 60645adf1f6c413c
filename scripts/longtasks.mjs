// Measures how long the page holds the main thread during its long actions (issue #13, "Never
// frozen"): Chromium's long-task observer records every task over 50 ms while, in a fresh page
// each, (1) a 64 MiB file is pushed through the push form, (2) a `docker save` archive with a
// 64 MiB layer is imported, and the page reloaded (its session restored), (3) a built-in scenario (region-outage) is loaded and run to its
// end, (4) a page with a saved session of that scenario is reloaded (the restore), (5) the large
// preset is loaded from the New registry dialog. Prints, per action, the longest task,
// the number over 100 ms and the wall time; writes target/longtasks.json. A measurement, not a
// test: the aim is no task over 100 ms.
//
//   scripts/build.sh && node scripts/longtasks.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerSave, launch, mounted, paths, serve, stop } from '../tests/e2e/helpers.mjs';

const { ROOT, DIST } = paths(new URL('../tests/e2e/helpers.mjs', import.meta.url).href);
const OBSERVE = () => {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push(Math.round(e.duration));
  }).observe({ type: 'longtask', buffered: true });
};
const summary = async (p, t0) => {
  const tasks = await p.evaluate(() => window.__long.splice(0));
  return { longestMs: Math.max(0, ...tasks), over100: tasks.filter((d) => d > 100).length, wallMs: Date.now() - t0 };
};

const { server, url } = await serve(ROOT, DIST);
const browser = await launch();
const out = {};
try {
  const open = async () => {
    const c = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const p = await c.newPage();
    p.setDefaultTimeout(600_000);
    await p.addInitScript(OBSERVE);
    await p.goto(url);
    await mounted(p);
    await p.evaluate(() => window.__long.splice(0));
    return p;
  };

  {
    const p = await open();
    const bytes = Buffer.alloc(64 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    // Playwright passes a buffer of more than 50 MB only as a file.
    const file = join(tmpdir(), 'stowage-big.bin');
    writeFileSync(file, bytes);
    const t0 = Date.now();
    await p.setInputFiles('#push-files', file);
    await p.locator('#pending-layers li', { hasText: 'stowage-big.bin' }).waitFor();
    await p.click('#push-submit');
    await p.locator('#catalog [data-repo="demo/app"]').waitFor({ state: 'attached' });
    out['push 64 MiB'] = await summary(p, t0);
    console.log('push 64 MiB', JSON.stringify(out['push 64 MiB']));
    await p.context().close();
  }
  {
    // An archive (`docker save`) whose one layer holds a 64 MiB file, imported from the catalog.
    const p = await open();
    const big = Buffer.alloc(64 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2246822519) >>> 0, i);
    const file = join(tmpdir(), 'stowage-big.tar');
    writeFileSync(file, dockerSave('team/big:v1', [['big.bin', big]]).bytes);
    const t0 = Date.now();
    await p.locator('#archive-import-file').setInputFiles(file);
    await p.locator('#archive-result[data-kind="imported"]').waitFor();
    out['import 64 MiB archive'] = await summary(p, t0);
    console.log('import 64 MiB archive', JSON.stringify(out['import 64 MiB archive']));
    // Saved (the archive beside the text, in pieces), then restored: the import replayed.
    await p.waitForFunction(() => /uploaded are kept beside it/.test(document.querySelector('#session-saved')?.textContent ?? ''));
    const t1 = Date.now();
    await p.reload();
    await mounted(p);
    await p.locator('#catalog [data-repo="team/big"]').waitFor({ state: 'attached' });
    out['restore of the 64 MiB import'] = await summary(p, t1);
    console.log('restore of the 64 MiB import', JSON.stringify(out['restore of the 64 MiB import']));
    await p.context().close();
  }
  {
    const p = await open();
    const t0 = Date.now();
    await p.selectOption('#scenario-picker', 'region-outage.json');
    await p.click('#scenario-load');
    await p.click('#scenario-confirm');
    await p.locator('#scenario[data-name="region-outage"]').waitFor({ state: 'attached' });
    out['scenario load'] = await summary(p, t0);
    const t1 = Date.now();
    await p.click('#scenario-run');
    await p.locator('#scenario[data-ended="true"]').waitFor({ state: 'attached' });
    await p.locator('#run-start').waitFor();
    out['scenario run to its end'] = await summary(p, t1);
    await p.waitForTimeout(1500); // saved
    const t2 = Date.now();
    await p.reload();
    await mounted(p);
    await p.locator('#scenario[data-name="region-outage"]').waitFor({ state: 'attached' });
    out['restore on reload'] = await summary(p, t2);
    console.log(JSON.stringify(out));
    await p.context().close();
  }
  try {
    const p = await open();
    const t0 = Date.now();
    await p.click('#new-registry');
    await p.fill('#new-name', 'bigregistry');
    await p.selectOption('#new-tier', 'Premium');
    await p.check('#new-contents-preset');
    await p.click('#new-registry-create');
    await p.locator('#preset[data-finished="false"]').waitFor({ state: 'attached', timeout: 60_000 });
    // Watched every frame, as tests/e2e/scale.test.mjs does.
    await p.waitForFunction(() => document.querySelector('#preset[data-finished="true"]'), null,
      { polling: 'raf', timeout: 400_000 });
    out['large preset'] = await summary(p, t0);
    await p.context().close();
  } catch (e) {
    out['large preset'] = { error: String(e).split('\n')[0] };
  }
} finally {
  await stop(browser, server);
}
for (const [k, v] of Object.entries(out)) {
  console.log(v.error ? `${k}: not measured (${v.error})` : `${k}: longest task ${v.longestMs} ms, ${v.over100} over 100 ms, ${v.wallMs} ms in all`);
}
mkdirSync(join(ROOT, 'target'), { recursive: true });
writeFileSync(join(ROOT, 'target', 'longtasks.json'), JSON.stringify(out, null, 1));
