// End-to-end test of the page's languages (issue #5): English, Dutch and French, switched with
// the #language select in the top bar at any time; <html lang> and the title follow; the choice
// is kept in this browser (and a browser without storage, or with a full one, still switches);
// a first visit takes the browser's language when the page speaks it. The release build in
// dist/ (or $DIST) is served by scripts/serve.mjs and driven in headless Chromium by
// playwright-core, as in page.test.mjs. Screenshots go to target/e2e/i18n-*.png.
//
//   scripts/build.sh && node --test tests/e2e/

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { site, storyTextOf } from './helpers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.DIST ? resolve(process.env.DIST) : join(ROOT, 'dist');
const SHOTS = join(ROOT, 'target', 'e2e');
const VIEWPORT = { width: 1280, height: 900 };
const REPO = 'demo/app';
const TAG = 'v1';
const FILE_NAME = 'hello.txt';
/** 3000 bytes: 2.9 KiB, so a decimal mark shows. */
const FILE = Buffer.from('Hallo, bonjour, hello! '.repeat(200).slice(0, 3000), 'utf8');

/** What each language says in several panels (the English is what page.test.mjs reads too). */
const TEXTS = {
  en: {
    switchLabel: 'Language',
    title: 'Stowage — container registry storage simulator',
    push: 'Push an image',
    submit: 'Push image',
    catalog: 'Catalog',
    accounts: 'Storage accounts',
    tier: 'Tier and cost',
    key: 'Encryption key',
    events: 'Event log',
    regions: 'Regions',
    replicas: 'Replicas',
    faults: 'Faults',
    download: 'Download',
    deleteRepo: 'Delete repository',
    confirmTitle: `Delete repository ${REPO}?`,
    cancel: 'Cancel',
    noReplica: 'No replica here.',
    size: '2.9 KiB',
    exact: '3,000 bytes',
  },
  nl: {
    switchLabel: 'Taal',
    title: 'Stowage — simulator van de opslag van een containerregister',
    push: 'Een image pushen',
    submit: 'Image pushen',
    catalog: 'Catalogus',
    accounts: 'Opslagaccounts',
    tier: 'Servicelaag en kosten',
    key: 'Versleutelingssleutel',
    events: 'Gebeurtenislogboek',
    regions: "Regio's",
    replicas: "Replica's",
    faults: 'Storingen',
    download: 'Downloaden',
    deleteRepo: 'Opslagplaats verwijderen',
    confirmTitle: `Opslagplaats ${REPO} verwijderen?`,
    cancel: 'Annuleren',
    noReplica: 'Hier is geen replica.',
    size: '2,9\u00a0KiB',
    exact: '3.000 bytes',
  },
  fr: {
    switchLabel: 'Langue',
    title: "Stowage — simulateur du stockage d'un registre de conteneurs",
    push: 'Envoyer une image',
    submit: "Envoyer l'image",
    catalog: 'Catalogue',
    accounts: 'Comptes de stockage',
    tier: 'Niveau de service et coût',
    key: 'Clé de chiffrement',
    events: 'Journal des événements',
    regions: 'Régions',
    replicas: 'Réplicas',
    faults: 'Pannes',
    download: 'Télécharger',
    deleteRepo: 'Supprimer le référentiel',
    confirmTitle: `Supprimer le référentiel ${REPO} ?`,
    cancel: 'Annuler',
    noReplica: 'Aucun réplica ici.',
    size: '2,9\u00a0Kio',
    exact: '3\u202f000 octets',
  },
};

describe('the page in English, Dutch and French', { timeout: 300_000 }, () => {
  // Serves the build and launches Chromium before the tests, closes both after.
  const web = site({ root: ROOT, dist: DIST });

  /** A new browser context (its own storage) with `locale` as navigator.language, and a page in it. */
  const open = async (locale, { init } = {}) => {
    const context = await web.browser.newContext({ viewport: VIEWPORT, locale });
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) {
        errors.push(`${m.text()} (${m.location().url})`);
      }
    });
    await page.goto(web.url);
    await page.locator('#registry-name').waitFor();
    return { context, page, errors };
  };
  const text = async (page, selector) => (await page.locator(selector).first().textContent()).trim();
  const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
  const stored = (page) => page.evaluate(() => localStorage.getItem('stowage.lang'));
  /** Chooses a language with the switch and waits until the page speaks it. */
  const choose = async (page, code) => {
    await page.selectOption('#language', code);
    await page.locator('#push-title', { hasText: TEXTS[code].push }).waitFor({ state: 'attached' });
  };

  /** Reads the translated panels in `code` and checks each against TEXTS. */
  const checkPanels = async (page, code) => {
    const want = TEXTS[code];
    assert.equal(await htmlLang(page), code, '<html lang> follows the language');
    assert.equal(await page.title(), want.title);
    assert.equal(await page.locator('#language').inputValue(), code);
    assert.equal(await text(page, 'label[for="language"]'), want.switchLabel);
    assert.equal(await text(page, '#push-title'), want.push);
    assert.equal(await text(page, '#push-submit'), want.submit);
    assert.equal(await text(page, '#catalog-title'), want.catalog);
    assert.equal(await text(page, '#accounts-title'), want.accounts);
    assert.equal(await text(page, '#tier-title'), want.tier);
    assert.equal(await text(page, '#key-title'), want.key);
    assert.equal(await text(page, '#events-title'), want.events);
    assert.equal(await text(page, '#geo-title'), want.regions);
    assert.equal(await text(page, '#replicas-title'), want.replicas);
    assert.equal(await text(page, '#faults-title'), want.faults);
    const layer = page.locator(`[data-repo="${REPO}"] [data-layer]`).first();
    assert.equal(await text(layer, '.pull-layer'), want.download);
    assert.equal(await text(layer, '.size'), `${want.size} (${want.exact})`);
    assert.equal(await text(page, `[data-repo="${REPO}"] .delete-repo`), want.deleteRepo);
    // The language switch names each language in itself, whatever the page speaks.
    assert.deepEqual(
      await page.locator('#language option').evaluateAll((os) => os.map((o) => [o.value, o.textContent, o.lang])),
      [['en', 'English', 'en'], ['nl', 'Nederlands', 'nl'], ['fr', 'Français', 'fr']],
    );
  };

  /** The panels this issue translated (the others still speak English only). */
  const PANELS = ['.lang-bar', '#faults', '.intro', '#status', '#push', '#tier-panel', '#rate-panel', '#key-vault',
    '#retention', '#soft-delete', '#features', '#accounts', '#events', '#catalog', '#geo', '#replicas', '#clients',
    '#oracle'];

  /**
   * Nothing is wider than the page; in each translated panel nothing sticks out past the panel's
   * content box (a scrolling table is allowed to scroll, as it does in English); no button, label
   * or heading has its words cut off.
   */
  const checkLayout = async (page, code, panels = PANELS) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${code}: the page is ${overflow}px wider than the window`);
    const problems = await page.evaluate((panels) => {
      const out = [];
      const name = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''}`;
      for (const selector of panels) {
        for (const panel of document.querySelectorAll(selector)) {
          // The panel's content box: nothing may reach into its padding either.
          const style = getComputedStyle(panel);
          const edge = panel.getBoundingClientRect().right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
          for (const e of panel.querySelectorAll('*')) {
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || e.closest('.visually-hidden')) continue;
            // Inside something that scrolls or clips (a table's scroller, the map's SVG): not sticking out.
            let a = e.parentElement;
            let inside = false;
            while (a && a !== panel) {
              if (getComputedStyle(a).overflowX !== 'visible' || a.tagName.toLowerCase() === 'svg') inside = true;
              a = a.parentElement;
            }
            if (!inside && r.right > edge + 1) {
              out.push(`${selector}: ${name(e)} sticks out ${Math.round(r.right - edge)}px: ${(e.textContent || '').trim().slice(0, 50)}`);
            }
          }
          for (const e of panel.querySelectorAll('button, label, .label, th, h2, h3, select, option')) {
            if (e.offsetParent !== null && getComputedStyle(e).overflow !== 'visible' && e.scrollWidth > e.clientWidth + 1) {
              out.push(`${selector}: ${name(e)} cut off: ${e.textContent.trim().slice(0, 50)}`);
            }
          }
        }
      }
      return out;
    }, panels);
    assert.deepEqual(problems, [], `${code}: layout problems`);
  };

  /** The tables that have to be scrolled sideways to be read whole, by panel. */
  const scrollers = (page) => page.evaluate((panels) => panels.flatMap((selector) =>
    [...document.querySelectorAll(`${selector} .table-scroll`)]
      .map((e, i) => (e.scrollWidth > e.clientWidth + 1 ? `${selector} table ${i + 1}` : null))
      .filter(Boolean)), PANELS);



  it('switches between English, Nederlands and Français, and keeps the choice over a reload', async () => {
    const { context, page, errors } = await open('en-US');
    try {
      // An English browser opens the page in English, with nothing kept yet.
      assert.equal(await htmlLang(page), 'en');
      assert.equal(await page.locator('#language').inputValue(), 'en');
      assert.equal(await stored(page), null);

      // Something in the catalog, so its rows, a layer and the confirm dialog can be read.
      await page.setInputFiles('#push-files', { name: FILE_NAME, mimeType: 'text/plain', buffer: FILE });
      await page.locator('#pending-layers li', { hasText: FILE_NAME }).waitFor();
      await page.fill('#push-repo', REPO);
      await page.fill('#push-tag', TAG);
      await page.click('#push-submit');
      await page.locator(`#catalog [data-repo="${REPO}"] .tag[data-tag="${TAG}"]`).waitFor();
      await checkPanels(page, 'en');
      // The tables English has to scroll sideways; the translations may not add any.
      const scrolledInEnglish = await scrollers(page);

      for (const code of ['nl', 'fr']) {
        await choose(page, code);
        await checkPanels(page, code);
        assert.equal(await stored(page), code, 'the choice is kept in this browser');
        // A dialog opened after the switch speaks the language too.
        await page.click(`[data-repo="${REPO}"] .delete-repo`);
        await page.locator('#confirm').waitFor();
        assert.equal(await text(page, '#confirm-title'), TEXTS[code].confirmTitle);
        assert.equal(await text(page, '#confirm-no'), TEXTS[code].cancel);
        await page.click('#confirm-no');
        await page.locator('#confirm').waitFor({ state: 'detached' });
        // The home region's panel on the map.
        const home = await page.locator('#geo').getAttribute('data-home');
        await page.locator(`#geo-map [data-region="${home}"] .dot`).click();
        await page.locator('#region-panel').waitFor();
        await page.click('#region-close');
        const other = code === 'nl' ? 'northeurope' : 'francecentral';
        await page.locator(`#geo-map [data-region="${other}"] .dot`).click();
        await page.locator(`#region-panel[data-region="${other}"]`).waitFor();
        assert.match(await text(page, '#region-panel'), new RegExp(TEXTS[code].noReplica));
        await checkLayout(page, code);
        assert.deepEqual(
          (await scrollers(page)).filter((t) => !scrolledInEnglish.includes(t)),
          [],
          `${code}: tables that fit in English but have to be scrolled sideways`,
        );
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SHOTS, `i18n-${code}.png`), fullPage: true });
        await page.click('#region-close');
      }

      // A reload opens the page in the language chosen last.
      await page.reload();
      await page.locator('#push-title', { hasText: TEXTS.fr.push }).waitFor();
      assert.equal(await htmlLang(page), 'fr');
      assert.equal(await page.locator('#language').inputValue(), 'fr');
      assert.equal(await text(page, '#catalog-title'), TEXTS.fr.catalog);

      // And back to English, exactly as before.
      await choose(page, 'en');
      const toggle = page.locator(`#catalog [data-repo="${REPO}"] .repo-toggle`);
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      await checkPanels(page, 'en');
      await checkLayout(page, 'en');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SHOTS, 'i18n-en.png'), fullPage: true });
      assert.equal(await stored(page), 'en');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('a busy Premium registry reads well in each language: replicas, clients, faults, key versions, the oracle', async () => {
    const { context, page, errors } = await open('en-US');
    try {
      // A Premium registry with a customer-managed key, through the New registry dialog.
      await page.click('#new-registry');
      await page.locator('#new-registry-dialog').waitFor();
      await page.fill('#new-name', 'talen');
      await page.selectOption('#new-tier', 'Premium');
      await page.selectOption('#new-key', 'automatic');
      await page.click('#new-registry-create');
      await page.locator('#registry-name', { hasText: 'talen' }).waitFor();
      await page.setInputFiles('#push-files', { name: FILE_NAME, mimeType: 'text/plain', buffer: FILE });
      await page.locator('#pending-layers li', { hasText: FILE_NAME }).waitFor();
      await page.fill('#push-repo', REPO);
      await page.fill('#push-tag', TAG);
      await page.click('#push-submit');
      await page.locator(`#catalog [data-repo="${REPO}"] .tag[data-tag="${TAG}"]`).waitFor();
      // Through the console: a replica, clients, a webhook, an endpoint, a key version, retention, a fault.
      await page.evaluate(() => {
        const r = window.stowage.page();
        r.addReplica('northeurope');
        r.addClient({ name: 'laptop-amsterdam', region: 'westeurope', dnsCache: false });
        r.addClient({ name: 'build-paris', region: 'francecentral', dnsCache: true });
        r.addWebhook('deploys', ['push', 'delete']);
        r.addPrivateEndpoint('vnethub1');
        r.addKeyVersion();
        r.setRetentionPolicy(true, 7);
        r.injectFault({ kind: 'slowLink', from: 'westeurope', to: 'northeurope', factor: 10 });
        r.advance(2000);
      });
      await page.locator('#replicas tr[data-region="northeurope"]').waitFor();
      // A client push and pull, a cluster scale-out, and the oracle's report.
      await page.click('#client-push');
      await page.locator('#client-report').waitFor();
      await page.click('#client-pull');
      await page.locator('#client-report[data-seq="2"]').waitFor();
      await page.fill('#scale-out-nodes', '2000');
      await page.click('#scale-out-pull');
      await page.locator('#scale-out-report').waitFor();
      if ((await page.locator('#oracle').getAttribute('data-open')) !== 'true') await page.click('#oracle-toggle');
      await page.locator('#oracle-regions').waitFor();
      const scrolledInEnglish = await scrollers(page);
      await checkLayout(page, 'en');

      for (const code of ['nl', 'fr', 'en']) {
        await choose(page, code);
        await page.click('#map-view-europe');
        await page.locator('#geo-map .link[data-link="northeurope"]').focus();
        await page.keyboard.press('Enter');
        await page.locator('#link-panel').waitFor();
        assert.equal(await htmlLang(page), code);
        assert.equal(await text(page, '#key-add-version'), { en: 'Add key version', nl: 'Sleutelversie toevoegen', fr: 'Ajouter une version de clé' }[code]);
        assert.equal(await text(page, '#oracle-title'), { en: 'Oracle', nl: 'Orakel', fr: 'Oracle' }[code]);
        assert.equal(await text(page, '#fault-slow'), { en: 'Slow link', nl: 'Trage verbinding', fr: 'Liaison lente' }[code]);
        await checkLayout(page, code);
        assert.deepEqual(
          (await scrollers(page)).filter((t) => !scrolledInEnglish.includes(t)),
          [],
          `${code}: tables that fit in English but have to be scrolled sideways`,
        );
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SHOTS, `i18n-busy-${code}.png`), fullPage: true });
        await page.click('#link-close');
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("a first visit speaks the browser's language when the page does, else English", async () => {
    for (const [locale, code] of [['nl-NL', 'nl'], ['nl-BE', 'nl'], ['fr-FR', 'fr'], ['fr-CA', 'fr'], ['de-DE', 'en'], ['en-GB', 'en']]) {
      const { context, page, errors } = await open(locale);
      try {
        await page.locator('#push-title', { hasText: TEXTS[code].push }).waitFor({ state: 'attached' });
        assert.equal(await htmlLang(page), code, `${locale} opens in ${code}`);
        assert.equal(await page.locator('#language').inputValue(), code);
        assert.equal(await text(page, '#tier-title'), TEXTS[code].tier);
        // Nothing is kept until a language is chosen.
        assert.equal(await stored(page), null);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  });

  it('a kept choice wins over the browser language; a kept value the page does not speak is ignored', async () => {
    const kept = await open('nl-NL', { init: () => localStorage.setItem('stowage.lang', 'fr') });
    try {
      await kept.page.locator('#push-title', { hasText: TEXTS.fr.push }).waitFor();
      assert.equal(await htmlLang(kept.page), 'fr');
    } finally {
      await kept.context.close();
    }
    const odd = await open('nl-NL', { init: () => localStorage.setItem('stowage.lang', 'klingon') });
    try {
      await odd.page.locator('#push-title', { hasText: TEXTS.nl.push }).waitFor();
      assert.equal(await htmlLang(odd.page), 'nl');
      assert.deepEqual(odd.errors, []);
    } finally {
      await odd.context.close();
    }
  });

  it('switches all the same when storage is full or switched off', async () => {
    // A full quota: every setItem throws.
    const full = await open('en-US', {
      init: () => {
        Storage.prototype.setItem = function setItem() {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
      },
    });
    try {
      await choose(full.page, 'nl');
      assert.equal(await htmlLang(full.page), 'nl');
      await choose(full.page, 'fr');
      assert.equal(await text(full.page, '#accounts-title'), TEXTS.fr.accounts);
      assert.deepEqual(full.errors, []);
    } finally {
      await full.context.close();
    }
    // Storage switched off: reading localStorage throws.
    const off = await open('fr-FR', {
      init: () => {
        Object.defineProperty(window, 'localStorage', {
          get() {
            throw new DOMException('Access is denied for this document.', 'SecurityError');
          },
        });
      },
    });
    try {
      await off.page.locator('#push-title', { hasText: TEXTS.fr.push }).waitFor();
      await choose(off.page, 'nl');
      assert.equal(await htmlLang(off.page), 'nl');
      assert.equal(await text(off.page, '#key-title'), TEXTS.nl.key);
      assert.deepEqual(off.errors, []);
    } finally {
      await off.context.close();
    }
  });

  // ---- No English left: the panels of the story, the clock, the history, the charts, the keys,
  // the scenarios and the New registry dialog, read in English and then in Dutch and French ----

  /** The panels added last (translated in src/i18n/story.rs), with a screenshot name each. */
  const STORY_PANELS = {
    header: 'header.top', scenarios: '#scenarios', start: '#start', story: '#story', clock: '#clock',
    history: '#history', charts: '#charts', scenario: '#scenario', 'scenario-dialog': '#scenario-dialog',
    'new-registry': '#new-registry-dialog', keys: '#key-help', preset: '#preset',
  };
  /** Words that are the same in every language: names, units, technical words. */
  const SAME_WORDS = new Set(['Stowage', 'Premium', 'Standard', 'Basic', 'ok', '#', 'manifest', 'ACR', 'GRS',
    'min', 'ms', 's', 'h', 'd', 'B', 'KiB', 'MiB', 'GiB', 'TiB', 'TB', 'MB/s', 'sha256']);
  /** And the words one language takes from English (as SAME_ALLOWED in tests/i18n.rs lets it). */
  const SAME_IN = {
    nl: new Set(['byte', 'bytes', 'record', 'records', 'in', 'tag', 'tags', 'blob', 'blobs', 'client', 'clients',
      'push', 'pull', 'pushes', 'pulls', 'replica', 'account']),
    fr: new Set(['tag', 'tags', 'blob', 'blobs', 'client', 'clients', 'total', 'version']),
  };

  /**
   * Every text a person can read or hear in `scopes` (selector by name): the text nodes of the
   * rendered elements (a select's options too; visually hidden text counts), and the title,
   * aria-label, placeholder, alt and label attributes. Text inside an element whose `lang` is not
   * the page's (words still English only, marked lang="en") is left out and counted; so is text
   * marked translate="no" (a name such as an event's kind, `faultStarted`, as the JS API has it),
   * which is left out and counted apart.
   * Returns `{ texts: Map name → Set, foreign, untranslatable, names }`; `names` are what the
   * page names: the registry, the scenarios, the regions.
   */
  const readTexts = (page, scopes) => page.evaluate((scopes) => {
    const pageLang = document.documentElement.lang;
    const shown = (el) => (el.closest('select') ?? el).checkVisibility({ visibilityProperty: true });
    const foreignLang = (el) => {
      const marked = el.closest('[lang]');
      return marked && marked !== document.documentElement && marked.lang !== pageLang;
    };
    const texts = {};
    let foreign = 0;
    let untranslatable = 0;
    for (const [name, selector] of Object.entries(scopes)) {
      const out = new Set();
      for (const root of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          const text = n.textContent.replace(/\s+/g, ' ').trim();
          if (!text || !el || el.closest('style, script') || !shown(el)) continue;
          if (foreignLang(el)) { foreign += 1; continue; }
          if (el.closest('[translate="no"]')) { untranslatable += 1; continue; }
          out.add(text);
        }
        for (const el of [root, ...root.querySelectorAll('*')]) {
          if (!shown(el)) continue;
          for (const attr of ['title', 'aria-label', 'placeholder', 'alt', 'label']) {
            const v = el.getAttribute(attr)?.replace(/\s+/g, ' ').trim();
            if (!v) continue;
            if (foreignLang(el)) { foreign += 1; continue; }
            out.add(`@${attr} ${v}`);
          }
        }
      }
      texts[name] = [...out];
    }
    const names = [document.querySelector('#registry-name')?.textContent ?? '',
      ...[...document.querySelectorAll('[data-name]')].map((e) => e.dataset.name),
      ...[...document.querySelectorAll('[data-region]')].map((e) => e.dataset.region),
      ...[...document.querySelectorAll('#new-region option')].map((o) => o.textContent.trim())];
    return { texts, foreign, untranslatable, names };
  }, scopes);

  /** A text that reads the same in every language: no words, or only names, units and technical words. */
  const sameEverywhere = (code, text, names) => {
    const t = text.replace(/^@[a-z-]+ /, '');
    if (names.has(t)) return true;
    const words = t.split(/[\s,;:()·×/+–—…"“”«»]+/u).filter((w) => /\p{L}/u.test(w));
    return words.every((w) => SAME_WORDS.has(w) || SAME_IN[code].has(w) || names.has(w)
      || /^(sha256:)?[0-9a-f]{8,}…?$/.test(w) || /^[A-Z][A-Z0-9_]+$/.test(w) || /^\d+d$/.test(w)
      || /^[a-z0-9]+(\/[a-z0-9.-]+)+…?$/.test(w));
  };

  /**
   * Reads `scopes` in English, then in Dutch and French (switched with the language select,
   * which the page keeps open dialogs through): any text that reads the same as in English, and
   * is not names or technical words, is English left untranslated. Each language's panels are
   * laid out without overflow and screenshot. Ends in English.
   */
  const noEnglishLeft = async (page, scopes, label) => {
    const english = await readTexts(page, scopes);
    const problems = [];
    let foreign = 0;
    const translated = {};
    for (const code of ['nl', 'fr']) {
      await choose(page, code);
      await page.evaluate(() => document.activeElement?.blur());
      const read = await readTexts(page, scopes);
      foreign += read.foreign;
      translated[code] = read.texts;
      const names = new Set([...english.names, ...read.names].filter(Boolean));
      for (const [name, texts] of Object.entries(read.texts)) {
        const before = new Set(english.texts[name]);
        assert.ok(texts.length > 0 || before.size === 0, `${label} ${code}: ${name} shows nothing`);
        for (const text of texts) {
          if (before.has(text) && !sameEverywhere(code, text, names)) problems.push(`${label} ${code} ${name}: ${JSON.stringify(text)}`);
        }
      }
      await checkLayout(page, code, Object.values(scopes));
      for (const [name, selector] of Object.entries(scopes)) {
        const el = page.locator(selector).first();
        if ((await el.count()) > 0 && (await el.isVisible())) {
          await el.screenshot({ path: join(SHOTS, `i18n-${label}-${name}-${code}.png`) });
        }
      }
    }
    await choose(page, 'en');
    await page.evaluate(() => document.activeElement?.blur());
    assert.deepEqual(problems, [], 'English left in a translated panel');
    return { texts: english.texts, foreign, untranslatable: english.untranslatable, translated };
  };

  it('the story, clock, history, charts, keys, scenario and New registry panels leave no English in Dutch or French', async () => {
    const { context, page, errors } = await open('en-US');
    const pick = (scope) => Object.fromEntries(scope.map((n) => [n, STORY_PANELS[n]]));
    try {
      // The page as it opens: the start screen with its stories, the clock, the empty history and charts.
      await page.locator('#start-list li[data-guided="true"]').first().waitFor();
      let read = await noEnglishLeft(page, pick(['header', 'scenarios', 'start', 'clock', 'history', 'charts']), 'start');
      assert.ok(read.texts.start.length > 2, 'the start screen was read');

      // The New registry dialog with the large preset chosen (not loaded) and a key Premium refuses.
      await page.click('#new-registry');
      await page.locator('#new-registry-dialog').waitFor();
      await page.check('#new-contents-preset');
      await page.selectOption('#new-key', 'automatic');
      await noEnglishLeft(page, pick(['new-registry']), 'dialog');
      await page.click('#new-registry-cancel');
      await page.locator('#new-registry-dialog').waitFor({ state: 'detached' });

      // A guided story, through the scenario dialog.
      const name = 'untag-frees-nothing';
      await page.locator(`#scenario-picker option[data-name="${name}"][data-guided="true"]`).waitFor({ state: 'attached' });
      await page.selectOption('#scenario-picker', `${name}.json`);
      await page.click('#scenario-load');
      await page.locator('#scenario-dialog').waitFor();
      await noEnglishLeft(page, pick(['scenario-dialog']), 'load');
      await page.click('#scenario-confirm');
      await page.locator(`#scenario[data-name="${name}"]`).waitFor();
      await page.locator('#story').waitFor();
      // Three frames on: the clock has moved, jobs wait, the charts have samples.
      for (const i of [1, 2, 3]) {
        await page.click('#story-continue');
        await page.locator(`#story[data-frame="${i}"]`).waitFor();
        await page.locator('#run-start').waitFor();
      }
      await page.locator('#chart-storage[data-empty="false"]').waitFor({ state: 'attached' });
      read = await noEnglishLeft(page, pick(['header', 'scenarios', 'story', 'clock', 'history', 'charts', 'scenario']), 'story');
      // The scenario file's title, description, notes and frames are translated, and so are the
      // steps' actions and outcomes: nothing is left marked as English only.
      assert.equal(read.foreign, 0, 'nothing in these panels is marked lang=en');

      // The keys, listed with ?.
      await page.keyboard.press('?');
      await page.locator('#key-help').waitFor();
      await noEnglishLeft(page, pick(['keys']), 'keys');
      await page.keyboard.press('Escape');
      await page.locator('#key-help').waitFor({ state: 'detached' });

      // The history in the past: the notice, the way back, the story there.
      const target = Math.floor(Number(await page.locator('#scrubber').getAttribute('max')) / 2);
      await page.locator('#scrubber').evaluate((el, ms) => {
        el.value = String(ms);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, target);
      await page.locator('#history[data-in-past="true"]').waitFor();
      await noEnglishLeft(page, pick(['story', 'clock', 'history']), 'past');

      // A change there forks the run: the notice of the dropped future; then the clock running.
      await page.click('#advance-1m');
      await page.locator('#fork-notice').waitFor();
      await page.click('#run-start');
      await page.locator('#run-state').waitFor();
      await noEnglishLeft(page, pick(['clock', 'history']), 'fork');
      await page.click('#run-pause');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  // ---- The engine's own words: the event log's lines (what a feature or a replica changed, a
  // fault, what a replica applied, why retention kept a manifest, a lock's attributes) and a
  // played scenario's steps (each action and what it did), after the built-in scenarios ----

  /** The event log's lines as shown (in the page's language). */
  const eventLines = (page) => page.locator('#events li .text').evaluateAll((els) => els.map((e) => e.textContent));
  /** Shows only the events whose English or shown words contain `words` (it matches the English in every language). */
  const filterEvents = async (page, words) => {
    await page.click('#panel-list button[data-panel="events"]');
    await page.fill('#events-filter', words);
    await page.waitForFunction(() => document.querySelectorAll('#events li').length > 0);
  };

  /**
   * Per built-in scenario: the English filter words that pick the events worth reading (the
   * filter matches an event's English in every language), and lines each language must show.
   */
  const PLAYED = {
    'replication-lag': {
      filters: ['replica'],
      lines: {
        nl: [/^replica australiaeast: toegevoegd: wordt aangemaakt$/, /^replica australiaeast: gereed$/,
          /^replica australiaeast paste (de blob shop@|het manifest shop:v\d+ \()sha256:[0-9a-f]{12}\)? uit eastus toe \(\d+ ms nadat het werd gedaan\)$/],
        fr: [/^réplica australiaeast : ajouté : en cours de création$/, /^réplica australiaeast : prêt$/,
          /^réplica australiaeast a appliqué (le blob shop@|le manifeste shop:v\d+ \()sha256:[0-9a-f]{12}\)? venu de eastus \(\d+ ms après qu'il a été fait\)$/],
      },
    },
    'retention-surprises': {
      filters: ['retention policy', 'attributes'],
      lines: {
        nl: [/^bewaarbeleid behield app@sha256:[0-9a-f]{12}: het is vergrendeld \(deleteEnabled of writeEnabled is false\)$/,
          /^kenmerken van app@sha256:[0-9a-f]+ ingesteld: schrijven aan, verwijderen uit, lezen aan, weergeven aan$/],
        fr: [/^la stratégie de rétention a gardé app@sha256:[0-9a-f]{12} : il est verrouillé \(deleteEnabled ou writeEnabled vaut false\)$/,
          /^attributs de app@sha256:[0-9a-f]+ définis : écriture activée, suppression désactivée, lecture activée, liste activée$/],
      },
    },
    'partition-during-replication': {
      filters: ['fault', 'every replica'],
      lines: {
        nl: [/^storing 1: netwerkpartitie \S+ ↔ \S+$/, /^storing 1 hersteld: netwerkpartitie \S+ ↔ \S+$/],
        fr: [/^panne 1 : partition réseau \S+ ↔ \S+$/, /^panne 1 rétablie : partition réseau \S+ ↔ \S+$/],
      },
    },
    'region-outage': {
      filters: ['fault', 'replica northeurope:', 'every replica'],
      lines: {
        nl: [/^storing 1: regio northeurope valt weg$/, /^storing 1 hersteld: regio northeurope valt weg$/,
          /^replica northeurope: routering overgeschakeld: het globale eindpunt stuurt hier geen aanvragen meer heen$/,
          /^alle replica's hebben weer dezelfde inhoud, \d+ ms nadat de laatste storing was hersteld$/],
        fr: [/^panne 1 : la région northeurope s'éteint$/, /^panne 1 rétablie : la région northeurope s'éteint$/,
          /^réplica northeurope : routage basculé : le point de terminaison global n'envoie plus de requêtes ici$/,
          /^tous les réplicas ont de nouveau le même contenu, \d+ ms après le rétablissement de la dernière panne$/],
      },
    },
  };

  it("the event log and a played scenario's steps leave no English in Dutch or French", { timeout: 600_000 }, async () => {
    const { context, page, errors } = await open('en-US');
    try {
      for (const [name, { filters, lines }] of Object.entries(PLAYED)) {
        await page.locator(`#scenario-picker option[data-name="${name}"]`).waitFor({ state: 'attached' });
        await page.selectOption('#scenario-picker', `${name}.json`);
        await page.click('#scenario-load');
        await page.locator('#scenario-dialog').waitFor();
        await page.click('#scenario-confirm');
        await page.locator(`#scenario[data-name="${name}"]`).waitFor();
        // Played to the end (and its final phase, if it has one).
        await page.click('#scenario-run');
        await page.locator('#scenario[data-ended="true"]').waitFor({ state: 'attached', timeout: 180_000 });
        await page.locator('#run-start').waitFor({ timeout: 180_000 });
        if ((await page.locator('#scenario-convergence').count()) > 0) {
          await page.locator('#scenario-convergence:not([data-converged="pending"])').waitFor({ state: 'attached', timeout: 180_000 });
        }
        // Every step done; its action and what it did, in each language.
        const played = await page.locator('#scenario-steps tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.state));
        assert.ok(played.length > 0 && played.every((s) => s === 'done'), `${name}: ${played}`);
        const steps = await noEnglishLeft(page, { scenario: '#scenario', status: '#status', faults: '#faults' }, `played-${name}`);
        assert.equal(steps.foreign, 0, `${name}: nothing in the steps table is marked English only`);

        // The event log, a filter at a time: every line read in English, Dutch and French.
        const shown = { nl: [], fr: [] };
        for (const [i, words] of filters.entries()) {
          await filterEvents(page, words);
          const read = await noEnglishLeft(page, { events: '#events' }, `events-${name}-${i + 1}`);
          assert.ok(read.untranslatable > 0, "each line's kind (faultStarted, …) is a name, marked translate=no");
          for (const code of ['nl', 'fr']) shown[code].push(...read.translated[code].events);
        }
        for (const code of ['nl', 'fr']) {
          for (const want of lines[code]) {
            assert.ok(shown[code].some((l) => want.test(l)), `${name} ${code}: no line matches ${want}:\n${shown[code].join('\n')}`);
          }
        }
        await filterEvents(page, '');
      }

      // Features changed through the JS API (the last registry, Premium with a replica): their
      // lines at the bottom of the log.
      await page.evaluate(() => {
        const r = window.stowage.page();
        r.addWebhook('deploys', ['push']);
        r.removeWebhook('deploys');
        r.addPrivateEndpoint('vnethub1');
        r.removePrivateEndpoint('vnethub1');
        r.setContentTrust(true);
        r.setContentTrust(false);
        r.setGeoLag(600000);
        r.setReplicaRouting('northeurope', false);
        r.setReplicaRouting('northeurope', true);
        r.removeReplica('northeurope');
        r.setSoftDeletePolicy(true, 7);
        r.setSoftDeletePolicy(false);
      });
      await page.locator('#events li .text', { hasText: 'soft delete disabled' }).waitFor();
      const features = await noEnglishLeft(page, { events: '#events' }, 'events-features');
      const want = {
        nl: ['webhook deploys toegevoegd', 'webhook deploys verwijderd', 'privé-eindpunt vnethub1 toegevoegd',
          'privé-eindpunt vnethub1 verwijderd', 'inhoudsvertrouwen ingeschakeld', 'inhoudsvertrouwen uitgeschakeld',
          'vertraging van de geografisch redundante opslag ingesteld op 00:10:00.000',
          'replica northeurope: uit de routering gehaald (synchroniseert nog)', 'replica northeurope: weer opgenomen in de routering',
          'replica northeurope: verwijderd met al zijn gegevens',
          'voorlopig verwijderen ingeschakeld: verwijderde items en items zonder tag blijven 7 dag(en) herstelbaar (en gefactureerd)',
          'voorlopig verwijderen uitgeschakeld: verwijderen is weer definitief (items die al in een prullenbak liggen, blijven tot ze worden opgeschoond)'],
        fr: ['webhook deploys ajouté', 'webhook deploys supprimé', 'point de terminaison privé vnethub1 ajouté',
          'point de terminaison privé vnethub1 supprimé', 'approbation de contenu activée', 'approbation de contenu désactivée',
          'délai du stockage géoredondant fixé à 00:10:00.000',
          'réplica northeurope : retiré du routage (la synchronisation continue)', 'réplica northeurope : de nouveau dans le routage',
          'réplica northeurope : supprimé avec ses données',
          'suppression réversible activée : les éléments supprimés ou sans tag restent restaurables (et facturés) pendant 7 jour(s)',
          "suppression réversible désactivée : les suppressions sont de nouveau définitives (les éléments déjà dans une corbeille y restent jusqu'à leur purge)"],
      };
      for (const code of ['nl', 'fr']) {
        const got = features.translated[code].events;
        for (const line of want[code]) assert.ok(got.includes(line), `${code}: no line ${JSON.stringify(line)}:\n${got.join('\n')}`);
      }
      // And in English, the words the engine always wrote.
      const en = await eventLines(page);
      for (const line of ['webhook deploys added', 'private endpoint vnethub1 removed', 'content trust enabled',
        'geo-redundant storage lag set to 00:10:00.000', 'replica northeurope: out of routing (still syncing)',
        'soft delete enabled: deleted and untagged items stay restorable (and billed) for 7 day(s)']) {
        assert.ok(en.includes(line), `no line ${JSON.stringify(line)}:\n${en.join('\n')}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  // ---- The built-in scenarios in the page's language: the start screen's stories, a story's
  // frame, the scenario's title, description and step notes (www/scenarios/*.json) ----

  it('the start screen and a guided story are drawn in Dutch and French, from the scenario files', async () => {
    const file = (name) => JSON.parse(readFileSync(join(ROOT, 'www', 'scenarios', `${name}.json`), 'utf8'));
    const story = file('split-push-guided');
    const untag = file('untag-frees-nothing');
    for (const code of ['nl', 'fr']) {
      const { context, page, errors } = await open('en-US');
      try {
        await choose(page, code);
        await page.locator('#start-list li[data-name="untag-frees-nothing"][data-guided="true"]').waitFor();
        const entry = page.locator('#start-list li[data-name="untag-frees-nothing"] .start-title');
        assert.equal(await text(page, '#start-list li[data-name="untag-frees-nothing"] .start-title'), untag.title[code]);
        assert.equal(await entry.getAttribute('lang'), null, 'a translated title is in the page\'s language');
        const option = (await page.locator('#scenario-picker option[data-name="untag-frees-nothing"]').textContent()).trim();
        assert.ok(option.startsWith(`★ ${untag.title[code]} (untag-frees-nothing)`), option);
        await checkLayout(page, code, ['#start']);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SHOTS, `i18n-start-screen-${code}.png`) });

        await page.click('#start-list li[data-name="split-push-guided"] button');
        await page.locator('#scenario-dialog').waitFor();
        assert.equal(await text(page, '#scenario-dialog p strong'), story.title[code]);
        await page.click('#scenario-confirm');
        await page.locator('#scenario[data-name="split-push-guided"]').waitFor();
        assert.equal(await text(page, '#scenario-title'), story.title[code]);
        assert.equal(await text(page, '#scenario .scenario-description'), story.description[code]);
        assert.equal(await page.locator('#scenario-title').getAttribute('lang'), null);
        const notes = await page.locator('#scenario-steps .step-note').evaluateAll((els) => els.map((e) => [e.textContent, e.lang]));
        assert.deepEqual(notes, story.steps.filter((s) => s.note).map((s) => [s.note[code], '']));
        for (const i of [1, 2]) {
          await page.click('#story-continue');
          await page.locator(`#story[data-frame="${i}"]`).waitFor();
          await page.locator('#run-start').waitFor();
        }
        assert.equal(await text(page, '#story-title'), story.guide[2].title[code]);
        assert.equal(await storyTextOf(page), story.guide[2].text[code]);
        await checkLayout(page, code, ['#story', '#scenario']);
        await page.locator('#story').screenshot({ path: join(SHOTS, `i18n-story-frame-${code}.png`) });
        await page.locator('#scenario').screenshot({ path: join(SHOTS, `i18n-scenario-panel-${code}.png`) });
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  });
});
