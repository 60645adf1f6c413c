// End-to-end test of what a keyboard or screen-reader user relies on (issue #5, "The page is
// keyboard-usable and has labels for screen readers"), in the page's main states: the start
// screen, a guided story under way, the scrubber in the past, the New registry dialog and the
// keys help.
//
// - Every control a person can operate (button, link, text box, select, checkbox, slider, …)
//   has an accessible name, as Chromium computes it for screen readers (the accessibility tree,
//   through the DevTools protocol), and no `tabindex` above 0 reorders the page.
// - Tab reaches the controls in order, and each one shows where the focus is (an outline or a
//   ring that differs from its look without focus).
// - The story can be followed with the keyboard alone: Tab to Continue, Enter, and the frame
//   moves on; ← and → move through the history; Escape closes a dialog.
//
// The release build in dist/ (or $DIST) is served by scripts/serve.mjs and driven in headless
// Chromium by playwright-core. Screenshots: target/e2e/a11y-*.png.
//
//   scripts/build.sh && node --test tests/e2e/a11y.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { paths, site } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
/** Roles a person operates; each needs a name a screen reader can say. */
const OPERABLE = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox',
  'radio', 'slider', 'spinbutton', 'switch', 'menuitem', 'tab', 'option']);

describe('keyboard and screen readers', { timeout: 300_000 }, () => {
  const web = site({ root: ROOT, dist: DIST, timeout: 30_000 });
  /** The page in a browser context of its own, in English. */
  const open = () => web.open({ contextOptions: { locale: 'en-US' } });

  /** The operable controls Chromium's accessibility tree holds that have no name, as
   *  `role "why" (backend node id → element id or tag)`; and how many operable ones there are. */
  const unnamed = async (p) => {
    const cdp = await p.context().newCDPSession(p);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const operable = nodes.filter((n) => !n.ignored && OPERABLE.has(n.role?.value));
    const missing = [];
    for (const n of operable.filter((n) => !(n.name?.value ?? '').trim())) {
      let where = `node ${n.backendDOMNodeId}`;
      try {
        const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId });
        const { result } = await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId,
          functionDeclaration: 'function () { return this.id ? "#" + this.id : this.outerHTML.slice(0, 120); }',
          returnByValue: true,
        });
        where = result.value;
      } catch {
        // a node gone meanwhile: its backend id is enough
      }
      missing.push(`${n.role.value} ${where}`);
    }
    await cdp.detach();
    return { count: operable.length, missing };
  };

  /** Controls with a positive tabindex (they reorder the Tab sequence). */
  const positiveTabindex = (p) => p.evaluate(() =>
    [...document.querySelectorAll('[tabindex]')].filter((e) => e.tabIndex > 0).map((e) => e.id || e.tagName));

  const checkNames = async (p, state) => {
    const { count, missing } = await unnamed(p);
    assert.ok(count > 10, `${state}: the tree has ${count} operable controls`);
    assert.deepEqual(missing, [], `${state}: controls without an accessible name`);
    assert.deepEqual(await positiveTabindex(p), [], `${state}: no tabindex above 0`);
    return count;
  };

  /** Presses Tab `n` times; for each control focused: its id, whether it can be seen, and
   *  whether its look with the focus differs from its look without (the focus can be seen). */
  const tabThrough = async (p, n) => {
    const out = [];
    for (let i = 0; i < n; i += 1) {
      await p.keyboard.press('Tab');
      const focused = await p.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        const look = () => {
          const s = getComputedStyle(e);
          return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join('|');
        };
        const focusLook = look();
        e.blur();
        const plainLook = look();
        e.focus({ preventScroll: true });
        const r = e.getBoundingClientRect();
        return {
          id: e.id || `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).split(' ')[0]}` : ''}`,
          visible: r.width > 0 && r.height > 0,
          shows: focusLook !== plainLook,
        };
      });
      if (focused) out.push(focused);
    }
    return out;
  };

  it('the start screen: every control is named, Tab shows where it is, a story starts from the keyboard', async () => {
    const p = await open();
    // Once the stories are known (the page looks into each file), the opening tour leads.
    await p.locator('#start-list li[data-guided="true"]').first().waitFor();
    assert.equal(await p.locator('#start-list li').first().getAttribute('data-name'), 'tour', 'the opening tour leads');
    const count = await checkNames(p, 'start screen');
    console.log(`# start screen: ${count} operable controls, all named`);
    await p.evaluate(() => document.activeElement?.blur());
    const focused = await tabThrough(p, 40);
    assert.ok(focused.length >= 30, `Tab reached ${focused.length} controls`);
    const hidden = focused.filter((f) => !f.visible).map((f) => f.id);
    assert.deepEqual(hidden, [], 'Tab never lands on something that cannot be seen');
    const silent = focused.filter((f) => !f.shows).map((f) => f.id);
    assert.deepEqual(silent, [], 'every focused control shows its focus');
    await p.screenshot({ path: join(SHOTS, 'a11y-01-focus.png') });
    await p.context().close();
  });

  it('a guided story followed with the keyboard alone, the history with ← and →, a dialog closed with Escape', async () => {
    const p = await open();
    // Pick the tour from the start screen with the keyboard: focus its button, Enter, confirm.
    await p.locator('#start-list li[data-name="tour"] .start-pick').focus();
    await p.keyboard.press('Enter');
    await p.locator('#scenario-dialog').waitFor();
    await checkNames(p, 'scenario dialog');
    await p.locator('#scenario-confirm').focus();
    await p.keyboard.press('Enter');
    await p.locator('#story[data-frames]').waitFor();
    await checkNames(p, 'story');
    // Continue, from the keyboard: Tab until it has the focus, then Enter, twice.
    for (const frame of [1, 2]) {
      await p.locator('#story-continue').focus();
      await p.keyboard.press('Enter');
      await p.locator('#story-frame', { hasText: `Frame ${frame} of ` }).waitFor({ timeout: 20_000 });
    }
    await p.locator('#story-continue:not([disabled])').waitFor({ timeout: 20_000 });
    await p.screenshot({ path: join(SHOTS, 'a11y-02-story.png') });
    // In a story ← goes back a frame, into the past; → replays forward along the run: no fork.
    const now = Number(await p.locator('#clock-now').getAttribute('data-ms'));
    await p.evaluate(() => document.activeElement?.blur());
    await p.keyboard.press('ArrowLeft');
    await p.locator('#history[data-in-past="true"]').waitFor();
    await checkNames(p, 'the past');
    const back = Number(await p.locator('#clock-now').getAttribute('data-ms'));
    assert.ok(back < now, `← went back from ${now} to ${back}`);
    await p.keyboard.press('ArrowRight');
    await p.waitForFunction((b) => window.stowage.page().history().nowMs > b, back);
    assert.equal(await p.locator('#fork-notice').count(), 0, 'stepping forward dropped nothing');
    // The keys help opens with ? and closes with Escape, the focus back on the page.
    await p.keyboard.press('?');
    const help = p.locator('#key-help');
    await help.waitFor();
    await checkNames(p, 'keys help');
    await p.screenshot({ path: join(SHOTS, 'a11y-03-keys-help.png') });
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // The New registry dialog: named controls; Escape closes it and changes nothing.
    const h = await p.evaluate(() => window.stowage.page().eventLogHash());
    await p.locator('#new-registry').focus();
    await p.keyboard.press('Enter');
    const dialog = p.locator('#new-registry-dialog');
    await dialog.waitFor();
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'new-name', 'the dialog takes the focus');
    await checkNames(p, 'New registry dialog');
    await p.screenshot({ path: join(SHOTS, 'a11y-04-dialog.png') });
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await p.evaluate(() => window.stowage.page().eventLogHash()), h, 'closing the dialog changed nothing');
    await p.context().close();
  });

  it('no page error or console error happened', () => {
    assert.deepEqual(web.errors, []);
  });
});
