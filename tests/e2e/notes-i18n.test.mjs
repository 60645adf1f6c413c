// End-to-end test of the page's notes and errors in its languages (issue #5): the status line
// the reducer writes after an action, a refusal the page raises itself and one the engine
// raises are drawn in the page's language, and a language switch redraws the note already
// shown. The release build in dist/ (or $DIST) is served by scripts/serve.mjs and driven in
// headless Chromium by playwright-core, as in i18n.test.mjs. Screenshots go to
// target/e2e/notes-*.png.
//
//   scripts/build.sh && node --test tests/e2e/notes-i18n.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { site } from './helpers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.DIST ? resolve(process.env.DIST) : join(ROOT, 'dist');
const SHOTS = join(ROOT, 'target', 'e2e');
const VIEWPORT = { width: 1280, height: 900 };

describe('notes and errors in English, Dutch and French', { timeout: 180_000 }, () => {
  // Serves the build and launches Chromium before the tests, closes both after.
  const web = site({ root: ROOT, dist: DIST });



  it('draws the status line and refusals in the page language, and redraws them on a switch', async () => {
    const context = await web.browser.newContext({ viewport: VIEWPORT, locale: 'nl-NL' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    /** The status line or the error banner and the push form under it, in target/e2e/notes-NAME.png. */
    const shoot = async (name) => {
      await page.evaluate(() => document.querySelector('#error, #status')?.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(SHOTS, `notes-${name}.png`) });
    };
    try {
      await page.goto(web.url);
      await page.locator('#registry-name').waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'nl');
      const status = page.locator('#status .message');

      // A note after a synthetic layer, with its size in Dutch figures.
      await page.fill('#synthetic-size', '3000');
      await page.selectOption('#synthetic-unit', 'B');
      await page.click('#add-synthetic');
      await page.locator('#status .message', { hasText: 'Synthetische laag van 3.000 bytes toegevoegd' }).waitFor();

      // A push, then the clock moved: notes with figures and counted nouns.
      await page.fill('#push-repo', 'demo/app');
      await page.fill('#push-tag', 'v1');
      await page.click('#push-submit');
      await page.locator('#status .message', { hasText: 'demo/app:v1 gepusht als manifest' }).waitFor();
      assert.match(await status.textContent(), /met 1 laag, als admin\. [\d.]+ bytes geüpload in [\d.]+ ms virtuele tijd met de uploadbandbreedte van/);
      await page.click('#advance-10m');
      await page.locator('#status .message', { hasText: 'Klok 10 minuten vooruitgezet naar' }).waitFor();

      // A refusal the page raises itself (no size typed), in Dutch.
      await page.fill('#synthetic-size', '');
      await page.click('#add-synthetic');
      const message = page.locator('#error .message');
      await message.waitFor();
      assert.match(await message.textContent(), /typ eerst een grootte, bijvoorbeeld 512 met MiB/);
      await shoot('nl-error');

      // Switched to French, the same refusal is redrawn in French.
      await page.selectOption('#language', 'fr');
      await page.locator('#error .message', { hasText: "tapez d'abord une taille, par exemple 512 avec MiB" }).waitFor();
      await shoot('fr-error');

      // A refusal from the engine (an invalid repository name), then a French note.
      await page.click('#error-dismiss');
      await page.fill('#synthetic-size', '1');
      await page.selectOption('#synthetic-unit', 'KiB');
      await page.click('#add-synthetic');
      await page.locator('#status .message', { hasText: 'Couche synthétique de 1\u202f024 octets ajoutée' }).waitFor();
      await page.click('#advance-10m');
      await page.locator('#status .message', { hasText: "Horloge avancée de 10 minutes jusqu'à" }).waitFor();
      await shoot('fr-note');
      await page.selectOption('#language', 'nl');
      await page.locator('#status .message', { hasText: 'Klok 10 minuten vooruitgezet naar' }).waitFor();
      await shoot('nl-note');
      await page.fill('#push-repo', 'Bad Name');
      await page.click('#push-submit');
      await page.locator('#error .code').waitFor();
      assert.equal((await page.locator('#error .code').textContent()).trim(), 'NAME_INVALID');
      await shoot('nl-engine-error');
      await page.selectOption('#language', 'en');
      await page.locator('#push-title', { hasText: 'Push an image' }).waitFor();
      await shoot('en-engine-error');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('draws the session panel and the event log in Dutch and French', async () => {
    const context = await web.browser.newContext({ viewport: VIEWPORT, locale: 'nl-NL' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    /** A panel, scrolled into view, in target/e2e/notes-NAME.png. */
    const shoot = async (selector, name) => {
      await page.locator(selector).scrollIntoViewIfNeeded();
      await page.locator(selector).screenshot({ path: join(SHOTS, `notes-${name}.png`) });
    };
    const text = async (selector) => (await page.locator(selector).first().textContent()).trim();
    try {
      await page.goto(web.url);
      await page.locator('#registry-name').waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'nl');

      // A synthetic layer pushed: events to log, and a session to save.
      await page.fill('#synthetic-size', '3000');
      await page.selectOption('#synthetic-unit', 'B');
      await page.click('#add-synthetic');
      await page.fill('#push-repo', 'demo/app');
      await page.fill('#push-tag', 'v1');
      await page.click('#push-submit');
      await page.locator('#status .message', { hasText: 'demo/app:v1 gepusht als manifest' }).waitFor();

      // The session panel, in Dutch.
      assert.equal(await text('#session-title'), 'Uw sessie');
      assert.equal(await text('#session-export'), 'Sessie exporteren');
      assert.equal(await text('#session-share'), 'Link delen');
      assert.equal(await page.getAttribute('#session-share', 'title'),
        'Een link maken die deze sessie in zijn adres meedraagt: wie hem opent, speelt hetzelfde register opnieuw af tot dezelfde toestand');
      await page.locator('#session-saved[data-hash]').waitFor();
      assert.match(await text('#session-saved'),
        /^Opgeslagen in deze browser om \d\d:\d\d:\d\d: [\d,]+\u00a0(KiB|B) \([\d.]+ bytes\), geen geüploade bytes \(synthetische lagen en instellingen worden opnieuw afgespeeld uit het logboek\); \d+ acties?, virtuele tijd [\d:.]+\.$/);
      await page.click('#session-share');
      await page.locator('#session-link').waitFor();
      assert.match(await text('#session-link .hint'),
        /^Zijn gegevens nemen [\d,]+\u00a0(KiB|B) in van de 64,0\u00a0KiB die een link mag meedragen\. Wie hem opent, speelt deze sessie opnieuw af tot dezelfde toestand\.$/);
      await shoot('#session', 'nl-session');

      // The event log, in Dutch: the push's lines, and the filter finds the Dutch words.
      const lines = () => page.locator('#events li .text').evaluateAll((els) => els.map((e) => e.textContent));
      const nl = await lines();
      assert.ok(nl.some((l) => /^synthetische blob sha256:[0-9a-f]{12} \(3000 bytes\) gepusht naar demo\/app, verzegeld en opgeslagen$/.test(l)), nl.join('\n'));
      assert.ok(nl.some((l) => /^manifest sha256:[0-9a-f]{12} gepusht naar demo\/app als :v1$/.test(l)), nl.join('\n'));
      await page.fill('#events-filter', 'verzegeld');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('#events li .text')].map((e) => e.textContent);
        return rows.length > 0 && rows.every((t) => t.includes('verzegeld'));
      });
      await shoot('#events', 'nl-events');
      await page.fill('#events-filter', '');

      // Switched to French, both are redrawn.
      await page.selectOption('#language', 'fr');
      await page.locator('#session-title', { hasText: 'Votre session' }).waitFor();
      assert.equal(await text('#session-export'), 'Exporter la session');
      assert.match(await text('#session-saved'),
        /^Enregistrée dans ce navigateur à \d\d:\d\d:\d\d : [\d,]+\u00a0(Kio|o) \([\d\u202f]+ octets\), aucun octet téléversé \(les couches synthétiques et les réglages se rejouent depuis le journal\) ; \d+ actions?, temps virtuel [\d:.]+\.$/);
      const fr = await lines();
      assert.ok(fr.some((l) => /^blob synthétique sha256:[0-9a-f]{12} \(3000 octets\) envoyé vers demo\/app, scellé et stocké$/.test(l)), fr.join('\n'));
      assert.ok(fr.some((l) => /^manifeste sha256:[0-9a-f]{12} envoyé vers demo\/app en tant que :v1$/.test(l)), fr.join('\n'));
      await shoot('#session', 'fr-session');
      await shoot('#events', 'fr-events');

      // And back in English, the words the page always had.
      await page.selectOption('#language', 'en');
      await page.locator('#session-title', { hasText: 'Your session' }).waitFor();
      const en = await lines();
      assert.ok(en.some((l) => /^manifest sha256:[0-9a-f]{12} pushed to demo\/app as :v1$/.test(l)), en.join('\n'));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("draws the engine's words for a fault in the status line, the faults panel and a stepped job's note", async () => {
    const context = await web.browser.newContext({ viewport: VIEWPORT, locale: 'nl-NL' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const message = page.locator('#status .message');
    const faultText = page.locator('#faults .fault-row[data-fault="1"] .fault-text');
    /** The status line and the faults panel, in target/e2e/notes-NAME.png. */
    const shoot = async (name) => {
      await page.locator('#faults').scrollIntoViewIfNeeded();
      await page.locator('#faults').screenshot({ path: join(SHOTS, `notes-${name}-faults.png`) });
      await page.evaluate(() => document.querySelector('#status')?.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(SHOTS, `notes-${name}-status.png`) });
    };
    try {
      await page.goto(web.url);
      await page.locator('#registry-name').waitFor();
      // A zone failure injected from the home region's panel on the map, in Dutch.
      const home = await page.locator('#geo').getAttribute('data-home');
      await page.locator(`#geo-map [data-region="${home}"] .dot`).click();
      await page.locator('#region-panel').waitFor();
      await page.click('#fault-zone');
      await page.locator('#status .message', { hasText: `Storing 1: een zone van ${home} valt uit, begint` }).waitFor();
      assert.equal((await faultText.textContent()).trim(), `een zone van ${home} valt uit`);
      await page.click('#region-close');
      await shoot('nl-fault');

      // In French, the note and the panel are redrawn.
      await page.selectOption('#language', 'fr');
      await page.locator('#status .message', { hasText: `Panne 1 : une zone de ${home} tombe en panne, début` }).waitFor();
      assert.equal((await faultText.textContent()).trim(), `une zone de ${home} tombe en panne`);
      await shoot('fr-fault');

      // A fault queued through the JS API a minute ahead, then the next job: the note says what
      // its event says, in the page's language.
      await page.evaluate(() => window.stowage.page().injectFault({ kind: 'keyVaultUnreachable' }, 60_000));
      await page.click('#step-job');
      await page.locator('#status .message', { hasText: "l'horloge a sauté à 00:01:00.000, et panne 2 : le Key Vault est inaccessible." }).waitFor();
      await shoot('fr-step');
      await page.selectOption('#language', 'nl');
      await page.locator('#status .message', { hasText: 'de klok sprong naar 00:01:00.000, en storing 2: de Key Vault is onbereikbaar.' }).waitFor();
      assert.equal((await page.locator('#faults .fault-row[data-fault="2"] .fault-text').textContent()).trim(),
        'de Key Vault is onbereikbaar');
      await shoot('nl-step');
      await page.selectOption('#language', 'en');
      await page.locator('#status .message', { hasText: 'the clock jumped to 00:01:00.000, and fault 2: the key vault is unreachable.' }).waitFor();
      assert.equal((await faultText.textContent()).trim(), `a zone of ${home} fails`);
      assert.match(await message.textContent(), /^Ran the next job: /);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
