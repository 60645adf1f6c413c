// End-to-end test of the JS API's argument checks (src/api.rs): every exported method, static
// method and free function, called from the page with a wrong JS type in each parameter position
// (the other arguments well-typed), throws at once a coded `Error` — `code` INVALID_ARGUMENT,
// `httpStatus` 400, a message naming the parameter and the type it needed — and never a
// `WebAssembly.RuntimeError`; no refusal takes 100 ms, even of a 5 MiB Uint8Array; and the page's
// registry is left exactly as it was. A table below gives each method's parameter kinds; the
// methods found at runtime on `window.stowage` must be exactly the table's, so a method added
// without a row fails here. Valid calls still give their exact results.
//
// The release build in dist/ (or $DIST) is served by scripts/serve.mjs and driven in headless
// Chromium by playwright-core (helpers.mjs).
//
//   scripts/build.sh && node --test tests/e2e/js-types.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { paths, site } from './helpers.mjs';

const { ROOT, DIST } = paths(import.meta.url);

/**
 * Each parameter kind: the phrase a refusal uses for what it needed, the sample value given when
 * another parameter is the one under test, and which of the wrong values (WRONG, by label) are in
 * fact right for it and so are not tried. Numeric kinds also refuse, by value, the numbers that
 * are not whole from 0 to 2^53 - 1 (2**60, NaN): with the parameter's `range` code, by default
 * INVALID_ARGUMENT.
 */
const KINDS = {
  string: { needs: 'a string', sample: 'app', right: ['string'] },
  optString: { needs: 'a string', sample: undefined, right: ['string', 'null', 'undefined'] },
  number: { needs: 'a number', sample: 1, right: ['1'], numeric: true },
  optNumber: { needs: 'a number', sample: undefined, right: ['1', 'null', 'undefined'], numeric: true },
  bool: { needs: 'a boolean', sample: true, right: ['true'] },
  optBool: { needs: 'a boolean', sample: undefined, right: ['true', 'null', 'undefined'] },
  bytes: { needs: 'a Uint8Array, an ArrayBuffer or a string', sample: 'x', right: ['string', '5 MiB Uint8Array'] },
  object: { needs: 'an object', sample: {}, right: ['{}'] },
  optObject: { needs: 'an object', sample: undefined, right: ['{}', 'null', 'undefined'] },
  layers: { needs: 'an array', sample: [], right: ['[]'] },
  strings: { needs: 'an array of strings', sample: [], right: ['[]'] },
  element: { needs: 'an Element', sample: null, right: [] },
};

/** The wrong values, by label, with what a refusal calls each (built in the page: see below). */
const WRONG = [
  ['1', 'a number'], ['2**60', 'a number'], ['true', 'a boolean'], ['null', 'null'],
  ['undefined', 'undefined'], ['{}', 'an object'], ['[]', 'an array'], ['10n', 'a BigInt'], ['NaN', 'NaN'],
  ['5 MiB Uint8Array', 'a Uint8Array'], ['symbol', 'a symbol'], ['string', 'a string'],
];

/** `Registry.prototype`'s methods: each parameter's JS name and kind, in order. */
const METHODS = {
  addClient: [['spec', 'object']],
  addKeyVersion: [],
  addPrivateEndpoint: [['name', 'string']],
  addReplica: [['region', 'string']],
  addWebhook: [['name', 'string'], ['actions', 'strings'], ['scope', 'optString'], ['region', 'optString']],
  advance: [['ms', 'number']],
  appendUpload: [['id', 'string'], ['bytes', 'bytes'], ['from', 'optNumber', { range: 'BLOB_UPLOAD_INVALID' }]],
  attributes: [['repo', 'string'], ['reference', 'optString']],
  audit: [],
  beginImport: [['bytes', 'bytes'], ['defaultRepo', 'optString']],
  beginLargePreset: [['repos', 'optNumber'], ['tagsPerRepo', 'optNumber']],
  cancelUpload: [['id', 'string']],
  catalog: [['n', 'optNumber', { range: 'PAGINATION_NUMBER_INVALID' }], ['last', 'optString']],
  client: [['name', 'string']],
  clientPullImage: [['client', 'string'], ['repo', 'string'], ['reference', 'string']],
  clientPushImage: [['client', 'string'], ['repo', 'string'], ['tag', 'string'], ['layers', 'layers']],
  clients: [],
  continueLargePreset: [['units', 'number']],
  cost: [],
  deleteKey: [],
  deleteManifest: [['repo', 'string'], ['reference', 'string']],
  deleteRepository: [['repo', 'string']],
  disableKey: [],
  eventLogHash: [],
  events: [['from', 'optNumber'], ['n', 'optNumber']],
  exportOciLayout: [['repo', 'optString']],
  exportDockerArchive: [['repo', 'optString']],
  sessionBudget: [],
  setSessionLimits: [['limits', 'object']],
  faults: [],
  features: [],
  finishUpload: [['id', 'string'], ['digest', 'string'], ['sizeBytes', 'optNumber', { range: 'SIZE_INVALID' }]],
  geoStorage: [],
  guideBack: [],
  guideContinue: [],
  heal: [['id', 'number']],
  healAll: [],
  healFault: [['id', 'number']],
  history: [],
  importArchive: [['bytes', 'bytes'], ['defaultRepo', 'optString']],
  inFlight: [['n', 'optNumber']],
  injectFault: [['fault', 'object'], ['delayMs', 'optNumber'], ['durationMs', 'optNumber']],
  keepLastWhatIf: [['repo', 'string'], ['keep', 'number']],
  keyVault: [],
  loadLargePreset: [['repos', 'optNumber'], ['tagsPerRepo', 'optNumber']],
  manifests: [['repo', 'string']],
  metrics: [],
  mountBlob: [['repo', 'string'], ['fromRepo', 'string'], ['digest', 'string']],
  now: [],
  oracle: [],
  pendingJobs: [['n', 'optNumber']],
  playConvergencePhase: [],
  pullBlob: [['repo', 'string'], ['digest', 'string']],
  pullManifest: [['repo', 'string'], ['reference', 'string']],
  pushBlob: [['repo', 'string'], ['bytes', 'bytes'], ['digest', 'optString']],
  pushImage: [['repo', 'string'], ['tag', 'string'], ['layers', 'layers']],
  pushManifest: [['repo', 'string'], ['reference', 'string'], ['body', 'bytes'], ['mediaType', 'optString']],
  pushSyntheticBlob: [['repo', 'string'], ['sizeBytes', 'number', { range: 'SIZE_INVALID' }], ['seed', 'optNumber']],
  rateLimits: [],
  removePrivateEndpoint: [['name', 'string']],
  removeReplica: [['region', 'string']],
  removeWebhook: [['name', 'string']],
  replicas: [],
  repositoryUsage: [['n', 'optNumber', { range: 'PAGINATION_NUMBER_INVALID' }], ['last', 'optString']],
  restoreKey: [['backup', 'string']],
  restoreSoftDeleted: [['repo', 'string'], ['tag', 'string'], ['digest', 'string'], ['force', 'optBool']],
  retention: [['n', 'optNumber']],
  returnToPresent: [],
  revokeKeyAccess: [],
  rotateKey: [['version', 'optNumber']],
  runFor: [['ms', 'number']],
  runUntilIdle: [],
  saveSession: [],
  scaleOutPull: [['repo', 'string'], ['reference', 'string'], ['nodes', 'number'], ['sharedIdentity', 'optBool']],
  scenario: [],
  sealView: [['repo', 'string'], ['digest', 'string']],
  sessionLog: [],
  // `reference` is not last, but null or undefined names the repository itself.
  setAttributes: [['repo', 'string'], ['reference', 'optString'], ['patch', 'object']],
  setContentTrust: [['enabled', 'bool']],
  setGeoLag: [['ms', 'number']],
  setRateModel: [['model', 'string']],
  setReplicaRouting: [['region', 'string'], ['enabled', 'bool']],
  setRetentionPolicy: [['enabled', 'bool'], ['days', 'optNumber']],
  setSoftDeletePolicy: [['enabled', 'bool'], ['days', 'optNumber']],
  setTier: [['tier', 'string']],
  softDeleted: [['n', 'optNumber']],
  startUpload: [['repo', 'string']],
  step: [],
  stepBack: [],
  stepForward: [],
  storageRecords: [],
  tags: [['repo', 'string'], ['n', 'optNumber', { range: 'PAGINATION_NUMBER_INVALID' }], ['last', 'optString']],
  tamperRecord: [['key', 'string'], ['bit', 'number']],
  tier: [],
  travelTo: [['ms', 'number']],
  untag: [['repo', 'string'], ['tag', 'string']],
  upload: [['id', 'string']],
  uploads: [],
  usage: [],
};
/** The getters (no arguments) on `Registry.prototype`. */
const GETTERS = ['identity', 'name'];
/** `new Registry(options?)`. */
const CONSTRUCTOR = [['options', 'optObject']];
/** Static methods of `Registry`. */
const STATICS = {
  loadScenario: [['json', 'string']],
  loadSession: [['json', 'string']],
  loadSessionParts: [['json', 'string'], ['parts', 'strings']],
  runScenario: [['json', 'string']],
};
/** Free functions of the module. `mountApp` is tried too: its refusals come before it mounts
 *  anything, and a right call is never made (it would mount a second page). */
const FREE = {
  benchmark: [['sizeBytes', 'number'], ['rounds', 'number']],
  benchmarkWorkload: [['operations', 'number']],
  mountApp: [['root', 'element']],
  page: [],
};

/** What the page registry holds, to compare before and after. */
const stateOf = (p) => p.evaluate(() => {
  const r = window.stowage.page();
  const h = r.history();
  return { hash: r.eventLogHash(), now: r.now(), entries: h.entries, session: r.saveSession() };
});

describe('the JS API refuses wrong JS types with INVALID_ARGUMENT, at once', { timeout: 300_000 }, () => {
  const web = site({ root: ROOT, dist: DIST });

  it('the table covers exactly the exported methods, with their parameter counts', async () => {
    const p = await web.open();
    await p.waitForFunction(() => typeof window.stowage?.page === 'function');
    const found = await p.evaluate(() => {
      const s = window.stowage;
      const proto = s.Registry.prototype;
      const own = (o) => Object.getOwnPropertyNames(o).filter((n) => !n.startsWith('__'));
      const fnsOf = (o, skip) => Object.fromEntries(own(o)
        .filter((n) => !skip.includes(n) && typeof Object.getOwnPropertyDescriptor(o, n).value === 'function')
        .map((n) => [n, o[n].length]));
      return {
        methods: fnsOf(proto, ['constructor', 'free']),
        getters: own(proto).filter((n) => typeof Object.getOwnPropertyDescriptor(proto, n).get === 'function').sort(),
        statics: fnsOf(s.Registry, []),
        constructorLength: s.Registry.length,
        archiveImport: fnsOf(s.ArchiveImport.prototype, ['constructor', 'free']),
        free: Object.fromEntries(Object.keys(s)
          .filter((n) => typeof s[n] === 'function' && !['default', 'initSync', 'Registry', 'ArchiveImport'].includes(n) && !n.startsWith('__wbg'))
          .map((n) => [n, s[n].length])),
      };
    });
    const lengths = (table) => Object.fromEntries(Object.entries(table).map(([m, ps]) => [m, ps.length]));
    // deepEqual on {name: parameter count}: a method missing from either side, or a row with
    // another number of parameters than the function declares, fails here.
    assert.deepEqual(found.methods, lengths(METHODS), 'Registry.prototype methods');
    assert.deepEqual(found.getters, GETTERS, 'Registry.prototype getters');
    assert.deepEqual(found.statics, lengths(STATICS), 'Registry static methods');
    assert.equal(found.constructorLength, CONSTRUCTOR.length, 'new Registry(options?)');
    assert.deepEqual(found.free, lengths(FREE), 'free functions');
    // `registry.beginImport` gives an import job (tests/web.rs drives it).
    assert.deepEqual(found.archiveImport, { advance: 1, finish: 0, progress: 0 }, 'ArchiveImport methods');
    for (const [m, ps] of Object.entries({ ...METHODS, ...STATICS, ...FREE, constructor: CONSTRUCTOR })) {
      for (const [name, kind] of ps) assert.ok(KINDS[kind], `${m}(${name}): unknown kind ${kind}`);
    }
    assert.deepEqual(web.errors, []);
  });

  it('every parameter of every method refuses each wrong JS type with a coded error in under 100 ms, and the registry is unchanged', async (t) => {
    const p = await web.open();
    await p.waitForFunction(() => typeof window.stowage?.page === 'function');
    // Something in the registry, so an unchanged session says something.
    await p.evaluate(() => {
      const r = window.stowage.page();
      r.pushBlob('app', 'hello');
      r.pushImage('app', 'v1', [{ syntheticSizeBytes: 1024 }]);
      r.advance(1000);
    });
    const before = await stateOf(p);

    const cases = [];
    const add = (target, method, params) => {
      params.forEach(([param, kind, extra], i) => {
        const k = KINDS[kind];
        for (const [label, kindName] of WRONG) {
          if (k.right.includes(label)) continue;
          const byValue = k.numeric && (label === '2**60' || label === 'NaN');
          cases.push({
            target, method, position: i, label,
            args: params.map(([, kd]) => KINDS[kd].sample),
            // The sample of an `element` parameter is made in the page (a detached <div>).
            elements: params.map(([, kd]) => kd === 'element'),
            code: byValue ? (extra?.range ?? 'INVALID_ARGUMENT') : 'INVALID_ARGUMENT',
            message: byValue
              ? `${param} must be a whole number from 0 to 2^53 - 1`
              : `${param} must be ${k.needs}, not ${kindName}`,
          });
        }
      });
    };
    for (const [m, ps] of Object.entries(METHODS)) add('instance', m, ps);
    for (const [m, ps] of Object.entries(STATICS)) add('static', m, ps);
    for (const [m, ps] of Object.entries(FREE)) add('free', m, ps);
    add('constructor', 'Registry', CONSTRUCTOR);

    const results = await p.evaluate((cases) => {
      const s = window.stowage;
      const reg = s.page();
      const big = new Uint8Array(5 * 1024 * 1024);
      const wrong = {
        '1': 1, '2**60': 2 ** 60, 'true': true, 'null': null, 'undefined': undefined, '{}': {}, '[]': [],
        '10n': 10n, 'NaN': NaN, '5 MiB Uint8Array': big, 'symbol': Symbol('wrong'), 'string': 'x',
      };
      return cases.map((c) => {
        const args = c.args.map((a, i) => (c.elements[i] ? document.createElement('div') : a));
        // Fresh objects and arrays for every call, so no call sees another's.
        for (let i = 0; i < args.length; i++) {
          if (Array.isArray(args[i])) args[i] = [];
          else if (args[i] && typeof args[i] === 'object' && !(args[i] instanceof Element)) args[i] = {};
        }
        args[c.position] = c.label === '{}' ? {} : c.label === '[]' ? [] : wrong[c.label];
        const call = {
          instance: () => reg[c.method](...args),
          static: () => s.Registry[c.method](...args),
          free: () => s[c.method](...args),
          constructor: () => new s.Registry(...args),
        }[c.target];
        const t0 = performance.now();
        let thrown = null;
        let returned = false;
        try {
          call();
          returned = true;
        } catch (e) {
          thrown = e;
        }
        const ms = performance.now() - t0;
        return {
          ms,
          returned,
          isError: thrown instanceof Error,
          runtimeError: thrown instanceof WebAssembly.RuntimeError,
          name: thrown?.name,
          code: thrown?.code,
          httpStatus: thrown?.httpStatus,
          message: thrown instanceof Error ? thrown.message : String(thrown),
        };
      });
    }, cases);

    const failures = [];
    let slowest = { ms: 0 };
    results.forEach((r, i) => {
      const c = cases[i];
      const what = `${c.target === 'constructor' ? 'new Registry' : c.method}(arg ${c.position} = ${c.label})`;
      if (r.ms > slowest.ms) slowest = { ms: r.ms, what };
      const problems = [];
      if (r.returned) problems.push('returned instead of throwing');
      if (r.runtimeError) problems.push(`WebAssembly.RuntimeError: ${r.message}`);
      if (!r.returned && !r.isError) problems.push(`threw a non-Error: ${r.message}`);
      if (!r.returned && r.code !== c.code) problems.push(`code ${r.code}, expected ${c.code}`);
      if (!r.returned && r.httpStatus !== 400) problems.push(`httpStatus ${r.httpStatus}`);
      if (!r.returned && r.message !== c.message) problems.push(`message ${JSON.stringify(r.message)}, expected ${JSON.stringify(c.message)}`);
      if (r.ms >= 100) problems.push(`took ${r.ms.toFixed(1)} ms`);
      if (problems.length) failures.push(`${what}: ${problems.join('; ')}`);
    });
    const methods = new Set(cases.map((c) => `${c.target}:${c.method}`));
    t.diagnostic(`${cases.length} wrong-type calls over ${methods.size} functions with parameters; ` +
      `slowest refusal ${slowest.ms.toFixed(2)} ms (${slowest.what})`);
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} calls`);
    assert.ok(cases.length > 500, `the matrix has ${cases.length} calls`);

    // Nothing reached the engine: the event log, the clock, the history and the session text
    // (every call, journaled) are as they were.
    const after = await stateOf(p);
    assert.equal(after.hash, before.hash, 'event log hash');
    assert.equal(after.now, before.now, 'virtual time');
    assert.equal(after.entries, before.entries, 'session log entries');
    assert.equal(after.session, before.session, 'saved session text');
    assert.deepEqual(web.errors, []);
  });

  it('well-typed calls still give their exact results', async () => {
    const p = await web.open();
    await p.waitForFunction(() => typeof window.stowage?.page === 'function');
    const got = await p.evaluate(async () => {
      const s = window.stowage;
      const enc = new TextEncoder();
      const sha256 = async (bytes) => 'sha256:' + Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)),
        (b) => b.toString(16).padStart(2, '0')).join('');
      const r = new s.Registry();
      const hello = enc.encode('hello');
      const out = {
        fromString: r.pushBlob('team/app', 'hello'),
        fromBytes: r.pushBlob('team/app', hello),
        fromBuffer: r.pushBlob('team/app', hello.buffer),
        withDigest: r.pushBlob('team/app', hello, await sha256(hello)),
        nullDigest: r.pushBlob('team/app', hello, null),
        expected: await sha256(hello),
      };
      const config = '{"architecture":"amd64","os":"linux"}';
      const cd = r.pushBlob('team/app', config);
      const manifest = JSON.stringify({
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: out.expected, size: 5 }],
      });
      out.manifestDigest = r.pushManifest('team/app', 'v1', manifest, undefined);
      out.manifestExpected = await sha256(enc.encode(manifest));
      const pulled = r.pullManifest('team/app', 'v1');
      out.pulled = { digest: pulled.digest, mediaType: pulled.mediaType, text: new TextDecoder().decode(pulled.bytes) };
      out.manifestText = manifest;
      out.blob = Array.from(r.pullBlob('team/app', out.expected));
      out.catalog = r.catalog();
      out.catalogNull = r.catalog(null, null);
      out.tags = r.tags('team/app', 10);
      out.identity = r.client('ci-bot').identity;
      out.named = new s.Registry({ name: 'abcde' }).name;
      out.nullOptions = new s.Registry(null).name;
      const pushed = r.pushImage('team/app', 'v2', [{ name: 'l', bytes: enc.encode('layer') }, { syntheticSizeBytes: 4096, seed: 3 }]);
      out.imageLayers = pushed.layers.length;
      out.softDelete = r.setSoftDeletePolicy(true, 7).days;
      out.webhook = r.addWebhook('deploys', ['push'], null, undefined).webhooks.map((w) => w.name);
      const fault = r.injectFault({ kind: 'keyVaultUnreachable' }, 0, 60_000);
      out.faultHealed = typeof r.heal(fault);
      out.advanced = r.advance(1000);
      out.events = r.events(undefined, 2).length;
      out.attributes = r.setAttributes('team/app', null, { deleteEnabled: false }).deleteEnabled;
      const text = r.saveSession();
      out.replayed = s.Registry.loadSession(text).eventLogHash() === r.eventLogHash();
      out.replayedParts = s.Registry.loadSessionParts(text, []).eventLogHash() === r.eventLogHash();

      // The same script as scripted_run() in tests/engine.rs (and scriptedRun in tests/web.rs):
      // the browser must still reach the native event-log hash.
      const sr = new s.Registry({ seed: 1 });
      const pushByHand = (repo, tag, body) => {
        const c = sr.pushBlob(repo, config);
        const layer = enc.encode(body);
        const l = sr.pushBlob(repo, layer);
        sr.pushManifest(repo, tag, JSON.stringify({
          schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: c, size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l, size: layer.length }],
        }));
      };
      pushByHand('web', 'v1', 'index.html');
      pushByHand('web', 'v2', 'app.js');
      pushByHand('api', 'v1', 'app.js');
      sr.pushImage('big', 'v1', [{ syntheticSizeBytes: 3 * 1024 ** 3 }]);
      sr.untag('web', 'v1');
      sr.runFor(60000);
      sr.deleteManifest('web', 'v2');
      sr.runFor(5 * 60000);
      sr.deleteRepository('big');
      sr.runUntilIdle();
      out.scripted = [sr.eventLogHash(), sr.now()];
      return out;
    });
    const hello = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
    assert.equal(got.expected, hello);
    for (const k of ['fromString', 'fromBytes', 'fromBuffer', 'withDigest', 'nullDigest']) assert.equal(got[k], hello, k);
    assert.equal(got.manifestDigest, got.manifestExpected);
    assert.deepEqual(got.pulled, { digest: got.manifestExpected, mediaType: 'application/vnd.oci.image.manifest.v1+json', text: got.manifestText });
    assert.deepEqual(got.blob, [104, 101, 108, 108, 111]);
    assert.deepEqual(got.catalog, { repositories: ['team/app'], next: null });
    assert.deepEqual(got.catalogNull, got.catalog);
    assert.deepEqual(got.tags, { name: 'team/app', tags: ['v1'], next: null });
    assert.equal(got.identity, 'ci-bot');
    assert.equal(got.named, 'abcde');
    assert.equal(got.nullOptions, 'stowage');
    assert.equal(got.imageLayers, 2);
    assert.equal(got.softDelete, 7);
    assert.deepEqual(got.webhook, ['deploys']);
    assert.equal(got.faultHealed, 'object');
    assert.equal(typeof got.advanced, 'number');
    assert.equal(got.events, 2);
    assert.equal(got.attributes, false);
    assert.equal(got.replayed, true);
    assert.equal(got.replayedParts, true);
    // SCRIPTED_RUN_HASH in tests/engine.rs, and its clock (tests/web.rs).
    assert.deepEqual(got.scripted, ['c704d6d65ee455151f901a1f21f7afc949bf55026bffca575d6fea38f4f4cbf1', 161_062 + 8 + 16 * 60_000]);
    assert.deepEqual(web.errors, []);
  });
});
