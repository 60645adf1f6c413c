//! The wasm build in headless Chrome: the JS API exactly as a page or console uses it (the test
//! bodies are JavaScript calling the exported `Registry` class), and the Yew page mounted and
//! read back from the DOM.
#![cfg(target_arch = "wasm32")]

use stowage::api::Registry;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const enc = new TextEncoder();
async function sha256(bytes) {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return 'sha256:' + Array.from(h, b => b.toString(16).padStart(2, '0')).join('');
}
function codeOf(f) {
  try { f(); } catch (e) {
    if (!(e instanceof Error)) return 'not an Error: ' + e;
    return e.code + '/' + e.httpStatus;
  }
  return 'no error';
}
function eq(a, b, what) {
  const sa = JSON.stringify(a), sb = JSON.stringify(b);
  if (sa !== sb) throw new Error(`${what}: got ${sa}, expected ${sb}`);
}
function contains(hay, needle) {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export async function roundTrip(reg) {
  const Registry = reg.constructor;
  const layer = new Uint8Array(70000).map((_, i) => (i * 13) % 256);
  const config = enc.encode('{"architecture":"amd64","os":"linux"}');
  const ld = reg.pushBlob('team/app', layer, await sha256(layer));
  eq(ld, await sha256(layer), 'pushBlob returns the sha256 digest');
  const cd = reg.pushBlob('team/app', config);
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: ld, size: layer.length }],
  });
  const md = reg.pushManifest('team/app', 'v1', manifest);
  eq(md, await sha256(enc.encode(manifest)), 'pushManifest returns the digest of the exact bytes');
  const pulled = reg.pullManifest('team/app', 'v1');
  eq([pulled.digest, pulled.mediaType], [md, 'application/vnd.oci.image.manifest.v1+json'], 'pullManifest');
  eq(new TextDecoder().decode(pulled.bytes), manifest, 'manifest byte-exact');
  const back = reg.pullBlob('team/app', ld);
  eq([back instanceof Uint8Array, back.length, contains(back, layer.subarray(0, 64))], [true, 70000, true], 'pullBlob');
  eq(Array.from(back), Array.from(layer), 'blob byte-exact');

  // Dedup: the same layer in another repository is linked, not stored again.
  reg.pushBlob('other', layer);
  const u = reg.usage();
  eq([u.totalRecords, u.totalBilledBytes, u.accounts.length],
     [3, layer.length + config.length + manifest.length, 4], 'usage after dedup');
  eq(reg.mountBlob('mounted', 'team/app', cd), true, 'mount from a repo that has it');
  eq(reg.mountBlob('mounted', 'nowhere', cd), false, 'mount fallback');

  // Encryption at rest: no record holds any 32-byte run of plaintext.
  const recs = reg.storageRecords();
  eq(recs.length, 3, 'records');
  for (const r of recs) {
    eq([r.keyId, r.wrappedKey.length, r.nonce.length], ['service-managed/keys/registry/1', 60, 12], 'record shape');
    for (const plain of [layer.subarray(100, 132), config.subarray(0, 32), enc.encode(manifest).subarray(0, 32)]) {
      if (contains(r.ciphertext, plain)) throw new Error('plaintext in ' + r.key);
    }
  }

  // Listing and pagination.
  reg.pushManifest('team/app', 'v2', manifest);
  eq(reg.catalog(), { repositories: ['team/app'], next: null }, 'catalog lists repos with manifests');
  eq(reg.tags('team/app', 1), { name: 'team/app', tags: ['v1'], next: 'v1' }, 'tags page 1');
  eq(reg.tags('team/app', 1, 'v1'), { name: 'team/app', tags: ['v2'], next: null }, 'tags page 2');
  eq(reg.tags('team/app', 0).tags, [], 'n=0');

  // Refusals carry the distribution-spec code and HTTP status.
  eq(codeOf(() => reg.pushBlob('Bad Name', layer)), 'NAME_INVALID/400', 'bad name');
  eq(codeOf(() => reg.pushBlob('app', layer, 'sha256:' + '0'.repeat(64))), 'DIGEST_INVALID/400', 'digest mismatch');
  eq(codeOf(() => reg.pushManifest('fresh', 'v1', manifest)), 'MANIFEST_BLOB_UNKNOWN/400', 'missing blobs');
  eq(codeOf(() => reg.pushManifest('team/app', 'v1', '{')), 'MANIFEST_INVALID/400', 'bad JSON');
  eq(codeOf(() => reg.pushManifest('team/app', 'v1', 'x'.repeat(4 * 1024 * 1024 + 1))), 'MANIFEST_INVALID/413', 'too big');
  eq(codeOf(() => reg.pullManifest('team/app', 'nope')), 'MANIFEST_UNKNOWN/404', 'unknown tag');
  eq(codeOf(() => reg.pullManifest('nobody', 'v1')), 'NAME_UNKNOWN/404', 'unknown repo');
  eq(codeOf(() => reg.catalog(-1)), 'PAGINATION_NUMBER_INVALID/400', 'negative n');
  eq(codeOf(() => reg.catalog(1.5)), 'PAGINATION_NUMBER_INVALID/400', 'fractional n');
  eq(codeOf(() => reg.pushBlob('app', 42)), 'INVALID_ARGUMENT/400', 'bytes of the wrong type');
  eq(codeOf(() => new Registry({ name: 'x' })), 'INVALID_ARGUMENT/400', 'bad registry name');
  eq(codeOf(() => new Registry({ bogus: 1 })), 'INVALID_ARGUMENT/400', 'unknown option');
  eq(reg.catalog().repositories, ['team/app'], 'refusals changed nothing');

  // Deletes: untag frees nothing; delete frees unique layers; gone is gone.
  const before = reg.usage().totalBilledBytes;
  eq(reg.untag('team/app', 'v2'), md, 'untag returns the digest');
  eq(reg.usage().totalBilledBytes, before, 'untag frees nothing');
  const firstDeleteAt = reg.now();
  const del = reg.deleteManifest('team/app', md);
  eq([del.manifests, del.tags], [[md], ['v1']], 'delete by digest takes its tags');
  eq(codeOf(() => reg.pullManifest('team/app', md)), 'NAME_UNKNOWN/404', 'repo gone with its last manifest');
  eq(reg.pullBlob('other', ld).length, 70000, 'the layer other still links survives');
  reg.deleteRepository('other');
  eq(codeOf(() => reg.pullBlob('other', ld)), 'NAME_UNKNOWN/404', 'deleted repository');
  eq(reg.usage().totalBilledBytes, config.length, 'only the mounted config remains');

  // Tampering is caught: a clear error, never wrong bytes.
  const img = reg.pushImage('tamper', 'v1', [{ name: 'a.txt', bytes: enc.encode('precious') }]);
  reg.tamperRecord('blobs/sha256/' + img.layers[0].slice(7), 5);
  eq(codeOf(() => reg.pullBlob('tamper', img.layers[0])), 'INTEGRITY_ERROR/500', 'tampered');
  // Locks: a write-locked tag cannot be pushed over or untagged; listEnabled=false hides.
  const locked = reg.pushImage('locked', 'v1', [{ name: 'l.txt', bytes: enc.encode('locked') }]);
  eq(reg.setAttributes('locked', 'v1', { writeEnabled: false }),
     { writeEnabled: false, deleteEnabled: true, readEnabled: true, listEnabled: true }, 'setAttributes');
  eq(codeOf(() => reg.untag('locked', 'v1')), 'REGISTRY_DISALLOWED_OPERATION/405', 'locked tag');
  eq(codeOf(() => reg.deleteManifest('locked', locked.digest)), 'REGISTRY_DISALLOWED_OPERATION/405', 'its manifest');
  eq(codeOf(() => reg.setAttributes('locked', 'v1', { writeEnabled: 'no' })), 'INVALID_ARGUMENT/400', 'not a boolean');
  eq(codeOf(() => reg.setAttributes('locked', null, { frozen: true })), 'INVALID_ARGUMENT/400', 'unknown attribute');
  reg.setAttributes('locked', null, { listEnabled: false });
  eq(reg.catalog().repositories.includes('locked'), false, 'hidden from the catalog');
  eq(reg.pullManifest('locked', 'v1').digest, locked.digest, 'but pullable');
  eq(reg.attributes('locked').listEnabled, false, 'attributes()');
  reg.setAttributes('locked', null, { listEnabled: true });
  reg.setAttributes('locked', 'v1', { writeEnabled: true });
  reg.deleteRepository('locked');
  // Tiers: Basic includes 10 GiB; the limit refuses a push whole.
  const basic = new Registry({ tier: 'Basic', storageEra: '2018' });
  eq(basic.tier(), { tier: 'Basic', storageEra: '2018', includedBytes: 10 * 1024 ** 3, limitBytes: 5e12 }, 'tier()');
  eq(basic.cost().totalMicroUsdPerDay, 167000, 'the Basic fee');
  basic.pushSyntheticBlob('big', 25 * 1024 ** 3, 1);
  eq(basic.cost().totalMicroUsdPerDay, 212000, '25 GiB on Basic is $0.212/day');
  for (let i = 2; i < 25; i++) basic.pushSyntheticBlob('big', 200 * 1024 ** 3, i);
  eq(codeOf(() => basic.pushSyntheticBlob('big', 200 * 1024 ** 3, 99)), 'REGISTRY_DISALLOWED_OPERATION/405', 'limit');
  eq(codeOf(() => basic.setTier('Gold')), 'INVALID_ARGUMENT/400', 'unknown tier');
  eq(basic.setTier('Premium').tier, 'Premium', 'upgrade');
  eq(codeOf(() => new Registry({ tier: 'Free' })), 'INVALID_ARGUMENT/400', 'bad tier option');
  const ru = reg.repositoryUsage();
  eq(ru.repositories.map(x => [x.name, x.tags, x.untagged, x.blobs]), [['tamper', 1, 0, 2]], 'per-repository usage');
  eq(ru.next, null, 'one page');

  // Synthetic layers: 2 GiB accounted, a small sample held; the seed replays.
  const big = reg.pushSyntheticBlob('big', 2 * 1024 ** 3, 7);
  const again = new Registry({ seed: 99 }).pushSyntheticBlob('big', 2 * 1024 ** 3, 7);
  eq(big, again, 'the same seed gives the same synthetic layer');
  const bigUsage = reg.storageRecords().find(r => r.digest === big);
  eq(bigUsage.logicalBytes, 2 * 1024 ** 3, 'declared size is accounted');
  eq(codeOf(() => reg.pushSyntheticBlob('big', 0)), 'SIZE_INVALID/400', 'empty synthetic');

  // Garbage collection: billing stopped at the delete; space is reclaimed 10 virtual minutes later.
  const stored = reg.usage().totalStoredBytes;
  const reclaims = () => reg.pendingJobs(1000).filter(j => j.kind === 'reclaim');
  const jobs = reclaims();
  eq([jobs.length > 0, jobs[0].atMs], [true, firstDeleteAt + 600000], 'a reclaim job is queued');
  reg.advance(jobs[0].atMs - 1 - reg.now());
  eq(reclaims().length, jobs.length, 'nothing reclaimed before 10 minutes');
  eq(reg.now(), firstDeleteAt + 599999, 'the clock moved');
  reg.advance(jobs[jobs.length - 1].atMs - reg.now());
  eq(reclaims().length, 0, 'every reclaim ran 10 minutes after its delete');
  eq(reg.usage().totalStoredBytes < stored, true, 'space reclaimed');
  eq(reg.usage().totalStoredBytes, reg.usage().totalBilledBytes, 'nothing left to reclaim');
  reg.runUntilIdle();
  eq(reg.step(), null, 'queue empty');
  reg.audit();
  eq(reg.eventLogHash().length, 64, 'hash');
  return reg.events().length;
}

// Throttling with client identities, customer-managed keys and retention, through the JS API.
export function tiersAndKeys(Registry) {
  const file = (text) => [{ name: 'f.txt', bytes: enc.encode(text) }];
  const errOf = (f) => { try { f(); } catch (e) { return e; } throw new Error('no error'); };
  // Basic, 2019 model: 100 writes a minute per registry, a bucket of 16.67. A one-layer image
  // is 3 writes; five of them leave 1.675 writes (100,500 units after 5 ms of refill), so the
  // sixth waits 795 ms: Retry-After 1 s.
  const basic = new Registry({ tier: 'Basic', rateModel: '2019' });
  const ci = basic.client('ci-bot');
  eq([basic.identity, ci.identity], ['admin', 'ci-bot'], 'identities');
  for (let i = 0; i < 5; i++) ci.pushImage('app', 'v' + i, file('layer ' + i));
  eq(basic.now(), 5, 'each small push took 1 ms at 10 MB/s');
  const e = errOf(() => ci.pushImage('app', 'v5', file('layer 5')));
  eq([e.code, e.httpStatus, e.retryAfter], ['TOOMANYREQUESTS', 429, 1], '429 with Retry-After');
  eq(basic.tags('app').tags.length, 5, 'the throttled push wrote nothing');
  basic.advance(e.retryAfter * 1000);
  eq(ci.pushImage('app', 'v5', file('layer 5')).layers.length, 1, 'after waiting Retry-After it succeeds');
  const writes = basic.rateLimits().categories[1];
  eq([writes.name, writes.limit, writes.admitted, writes.throttled], ['DataplaneWrite', { perRegistry: 100, perIdentity: null }, 18, 1], 'rateLimits');
  eq(codeOf(() => basic.client('not ok')), 'INVALID_ARGUMENT/400', 'a bad identity');
  eq(codeOf(() => basic.setRateModel('1999')), 'INVALID_ARGUMENT/400', 'a bad model');

  // A cluster of 300 nodes sharing one identity on Standard (2026): 277 get the image.
  const std = new Registry();
  std.pushImage('app', 'v1', [{ name: 'l', bytes: new Uint8Array(1000).fill(7) }]);
  const report = std.scaleOutPull('app', 'v1', 300, true);
  eq([report.completed, report.throttled, report.retryAfterMaxS, report.readsPerNode], [277, 23, 1, 3], 'scale-out');

  // Customer-managed keys: Premium only; a revoked key refuses everything with 403.
  eq(codeOf(() => new Registry({ customerManagedKey: 'manual' })), 'REGISTRY_DISALLOWED_OPERATION/405', 'CMK needs Premium');
  eq(codeOf(() => new Registry({ tier: 'Premium', customerManagedKey: 'yes' })), 'INVALID_ARGUMENT/400', 'bad rotation');
  const cmk = new Registry({ tier: 'Premium', customerManagedKey: 'manual' });
  const img = cmk.pushImage('app', 'v1', file('precious'));
  eq(cmk.keyVault().versions.map(v => [v.keyId, v.records]), [['customer-vault/keys/registry-cmk/1', 3]], 'one version, 3 records');
  const backup = cmk.revokeKeyAccess();
  eq([typeof backup, cmk.keyVault().state, cmk.keyVault().holdsKeyMaterial], ['string', 'accessRevoked', false], 'revoked');
  eq(codeOf(() => cmk.pullBlob('app', img.layers[0])), 'DENIED/403', 'pull refused');
  eq(codeOf(() => cmk.pushImage('app', 'v2', file('new'))), 'DENIED/403', 'push refused');
  eq(codeOf(() => cmk.restoreKey('stowage-key-backup-v1:00')), 'INVALID_ARGUMENT/400', 'a wrong backup');
  cmk.restoreKey(backup);
  eq(new TextDecoder().decode(cmk.pullBlob('app', img.layers[0])), 'precious', 'restored: nothing lost');
  cmk.addKeyVersion();
  eq(cmk.rotateKey(2).rotation, { mode: 'manual', pinned: 2 }, 'manual rotation');

  // Retention: 0 days deletes 5 s after the untag.
  cmk.setRetentionPolicy(true, 0);
  cmk.pushImage('app', 'v2', file('v2'));
  cmk.untag('app', 'v1');
  eq(cmk.retention().queuedTotal, 1, 'a delete is queued');
  cmk.advance(5000);
  eq(cmk.manifests('app').map(m => m.tags), [['v2']], 'the untagged manifest is gone');
  eq(codeOf(() => cmk.setTier('Standard')), 'REGISTRY_DISALLOWED_OPERATION/405', 'no downgrade with CMK');
  eq(codeOf(() => std.setRetentionPolicy(true)), 'REGISTRY_DISALLOWED_OPERATION/405', 'retention needs Premium');
  cmk.audit();

  // Soft delete and webhooks.
  const sd = new Registry();
  eq(codeOf(() => sd.setSoftDeletePolicy(true, 0)), 'INVALID_ARGUMENT/400', 'soft delete needs 1-90 days');
  sd.setSoftDeletePolicy(true, 1);
  sd.addWebhook('hooks1', ['push'], 'app');
  eq(codeOf(() => sd.addWebhook('hooks2', ['pull'])), 'INVALID_ARGUMENT/400', 'a bad webhook action');
  const kept = sd.pushImage('app', 'v1', file('keep me'));
  sd.deleteManifest('app', 'v1');
  eq(sd.softDeleted().items.map(i => [i.tag, i.manifestDeleted]), [['v1', true]], 'in the bin');
  eq(codeOf(() => sd.pullManifest('app', 'v1')), 'MANIFEST_UNKNOWN/404', 'not pullable while deleted');
  sd.restoreSoftDeleted('app', 'v1', kept.digest);
  eq(new TextDecoder().decode(sd.pullBlob('app', kept.layers[0])), 'keep me', 'restored');
  sd.advance(1000);
  eq(sd.features().webhooks.map(w => [w.name, w.delivered, w.recent.map(d => d.target)]),
     [['hooks1', 1, ['app:v1']]], 'webhook delivered a second after the push');
  sd.audit();

  // Geo-redundant storage and faults: a destroyed primary loses what was not copied yet.
  const geo = new Registry({ region: 'eastus', geoLagMs: 60000 });
  eq([geo.geoStorage().region, geo.geoStorage().paired], ['eastus', 'westus'], 'region and pair');
  const safe = geo.pushImage('app', 'safe', file('copied'));
  geo.advance(60000);
  const doomed = geo.pushImage('app', 'doomed', file('not copied'));
  eq(geo.geoStorage().accounts.reduce((n, a) => n + a.uncopiedRecords, 0), 3, 'the window holds 3 records');
  const id = geo.injectFault({ kind: 'regionStorageFailure', destroyed: true });
  const f = geo.faults()[0];
  eq([id, f.id, f.state, f.colour], [1, 1, 'active', '#dc2626'], 'the fault on the timeline');
  eq(new TextDecoder().decode(geo.pullBlob('app', safe.layers[0])), 'copied', 'served from West US');
  eq(codeOf(() => geo.pullBlob('app', doomed.layers[0])), 'UNAVAILABLE/503', 'lost');
  eq(geo.heal(1).state, 'healed', 'healed');
  eq(geo.injectFault({ kind: 'keyVaultUnreachable', delayMs: 1000, durationMs: 5000 }), 2, 'scheduled');
  eq([geo.faults()[1].startsAtMs - geo.now(), geo.faults()[1].endsAtMs - geo.now()], [1000, 6000], 'delay and duration');
  eq(geo.healAll(), 1, 'healAll');
  const virginia = geo.client('eastus');
  eq(virginia.identity, 'eastus', 'a client in a region');
  eq(geo.clients().map(c => [c.name, c.region, c.dnsCache]), [['eastus', 'eastus', true]], 'added on first use');
  eq(codeOf(() => new Registry({ region: 'eastus', homeRegion: 'westus' })), 'INVALID_ARGUMENT/400', 'both');
  eq(new Registry({ homeRegion: 'japaneast' }).geoStorage().region, 'japaneast', 'homeRegion');
  eq(codeOf(() => geo.injectFault({ kind: 'meteor' })), 'INVALID_ARGUMENT/400', 'an unknown fault');
  eq(codeOf(() => new Registry({ region: 'atlantis' })), 'INVALID_ARGUMENT/400', 'an unknown region');
  geo.audit();

  // Geo-replication: the same split-push run as tests/replication.rs, with the same count.
  const rep = new Registry({ tier: 'Premium', region: 'eastus' });
  rep.addReplica('eastus2');
  eq(rep.replicas().map(v => [v.region, v.state]), [['eastus', 'ready'], ['eastus2', 'creating']], 'replicas');
  rep.runUntilIdle();
  eq(rep.replicas()[1].state, 'ready', 'ready after its sync');
  rep.addClient({ name: 'no-cache', region: 'westus', dnsCache: false });
  rep.addClient({ name: 'cached', region: 'westus', dnsCache: true });
  eq(codeOf(() => rep.addClient({ name: 'x', region: 'mars' })), 'INVALID_ARGUMENT/400', 'an unknown region');
  const failures = [0, 0];
  for (let i = 0; i < 40; i++) {
    ['no-cache', 'cached'].forEach((client, k) => {
      const report = rep.clientPushImage(client, 'app', `${client}-${i}`, [
        { name: 'a', bytes: enc.encode(`${client} ${i} a`) },
        { name: 'b', bytes: enc.encode(`${client} ${i} b`) },
      ]);
      if (report.errorCode === 'MANIFEST_BLOB_UNKNOWN') failures[k]++;
    });
    rep.advance(60000);
  }
  eq(failures, [32, 0], 'pain point 1: the same splits as natively');
  const handle = rep.client('cached');
  eq(handle.pullManifest('app', 'cached-0').mediaType, 'application/vnd.oci.image.manifest.v1+json', 'a routed pull');
  return true;
}

// The same script as scripted_run() in tests/engine.rs.
export function scriptedRun(Registry, seed) {
  const r = new Registry({ seed });
  const pushByHand = (repo, tag, text) => {
    const config = '{"architecture":"amd64","os":"linux"}';
    const c = r.pushBlob(repo, config);
    const layer = enc.encode(text);
    const l = r.pushBlob(repo, layer);
    r.pushManifest(repo, tag, JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: c, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l, size: layer.length }],
    }));
  };
  pushByHand('web', 'v1', 'index.html');
  pushByHand('web', 'v2', 'app.js');
  pushByHand('api', 'v1', 'app.js');
  r.pushImage('big', 'v1', [{ syntheticSizeBytes: 3 * 1024 ** 3 }]);
  r.untag('web', 'v1');
  r.runFor(60000);
  r.deleteManifest('web', 'v2');
  r.runFor(5 * 60000);
  r.deleteRepository('big');
  r.runUntilIdle();
  return [r.eventLogHash(), r.now()];
}

// A minimal ustar writer: enough for the OCI layout the test builds by hand.
function tar(files) {
  const blocks = [];
  for (const [name, data] of files) {
    const h = new Uint8Array(512);
    const put = (s, at) => { for (let i = 0; i < s.length; i++) h[at + i] = s.charCodeAt(i); };
    put(name, 0); put('0000644\0', 100); put('0000000\0', 108); put('0000000\0', 116);
    put(data.length.toString(8).padStart(11, '0') + '\0', 124); put('00000000000\0', 136);
    put('        ', 148); h[156] = 48; put('ustar\0', 257); put('00', 263);
    let sum = 0; for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0; for (const b of blocks) { out.set(b, at); at += b.length; }
  return out;
}

/** An OCI layout of one image, `ref` (`repo:tag`), of `layer` and `config`: its files and
 *  the layer's and manifest's digests. */
async function layoutOf(ref, layer, config) {
  const [ld, cd] = [await sha256(layer), await sha256(config)];
  const manifest = enc.encode(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: ld, size: layer.length }],
  }));
  const md = await sha256(manifest);
  const index = enc.encode(JSON.stringify({ schemaVersion: 2, manifests: [{
    mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length,
    annotations: { 'org.opencontainers.image.ref.name': ref } }] }));
  const blob = (d) => 'blobs/sha256/' + d.slice(7);
  const files = [['oci-layout', enc.encode('{"imageLayoutVersion":"1.0.0"}')], ['index.json', index],
    [blob(md), manifest], [blob(cd), config], [blob(ld), layer]];
  return { files, ld, md, layerPath: blob(ld) };
}

export async function ociImport(Registry) {
  const layer = enc.encode('a layer made in the test');
  const config = enc.encode('{"architecture":"amd64","os":"linux"}');
  const { files, ld, md, layerPath } = await layoutOf('made/by-hand:v1', layer, config);
  const r = new Registry();
  const report = r.importArchive(tar(files));
  eq([report.format, report.images.length, report.images[0].repo, report.images[0].tag, report.images[0].digest, report.blobs],
    ['oci-layout', 1, 'made/by-hand', 'v1', md, 2], 'importArchive');
  eq(new TextDecoder().decode(r.pullBlob('made/by-hand', ld)), 'a layer made in the test', 'the layer, byte-exact');
  eq(r.pullManifest('made/by-hand', 'v1').digest, md, 'the manifest digest');
  // The export is the same layout again (the index written by Stowage, the same blobs).
  const out = r.exportOciLayout();
  eq([out.images, out.skipped], [1, []], 'exportOciLayout');
  const again = new Registry();
  eq(again.importArchive(out.bytes).images[0].digest, md, 'export → import');
  // A layer whose bytes do not match its name: refused, nothing stored.
  const bad = files.map(([n, d]) => [n, n === layerPath ? enc.encode('a layer made in the tesT') : d]);
  const before = again.eventLogHash();
  eq(codeOf(() => again.importArchive(tar(bad), 'x')), 'DIGEST_INVALID/400', 'a damaged layout');
  eq(again.eventLogHash(), before, 'nothing changed');

  // The same layout read a slice at a time (a 300 kB layer, 64 KiB a call), then imported:
  // the registry is untouched until `finish`, which gives what `importArchive` gave.
  const big = new Uint8Array(300000).map((_, i) => (i * 131 + 17) % 253);
  const { files: bigFiles, ld: bd, md: bmd } = await layoutOf('made/big:v1', big, config);
  const bigTar = tar(bigFiles);
  const sliced = new Registry();
  const job = sliced.beginImport(bigTar);
  const empty = sliced.eventLogHash();
  const seen = [job.progress().step];
  let calls = 0;
  for (let p = job.advance(65536); !p.ready; p = job.advance(65536)) {
    calls += 1;
    if (seen.at(-1) !== p.step) seen.push(p.step);
  }
  eq(seen, ['hashing', 'checking'], 'the steps');
  eq(calls >= 8, true, `read in slices (${calls} calls)`);
  eq(sliced.eventLogHash(), empty, 'nothing imported while it is read');
  eq(codeOf(() => job.advance('a lot')), 'INVALID_ARGUMENT/400', 'a budget of the wrong type');
  const done = job.finish();
  eq([done.format, done.images[0].repo, done.images[0].digest, done.blobs, done.blobBytes],
    ['oci-layout', 'made/big', bmd, 2, big.length + config.length], 'finish');
  eq(contains(sliced.pullBlob('made/big', bd), big.subarray(150000, 150100)), true, 'the large layer, pulled back');
  eq(codeOf(() => job.finish()), 'INVALID_ARGUMENT/400', 'a job is finished once');
  const whole = new Registry();
  whole.importArchive(bigTar);
  eq(sliced.eventLogHash(), whole.eventLogHash(), 'as importArchive gives');
  eq(codeOf(() => sliced.beginImport(enc.encode('{"not": "an archive"}'))), 'INVALID_ARGUMENT/400', 'JSON refused at once');
  const damaged = bigTar.slice();
  damaged[damaged.length - 1024 - 400] ^= 1;
  const refused = sliced.beginImport(damaged);
  const code = codeOf(() => { for (;;) refused.advance(); });
  eq([code, codeOf(() => refused.advance())], ['DIGEST_INVALID/400', 'DIGEST_INVALID/400'], 'a damaged layer, said again');
  return true;
}

export function sessionRoundTrip(Registry) {
  const r = new Registry({ seed: 7, tier: 'Premium' });
  r.pushImage('web', 'v1', [{ name: 'index.html', bytes: enc.encode('<h1>saved</h1>') }]);
  r.addReplica('eastus');
  r.runFor(60000);
  r.pushImage('web', 'v2', [{ syntheticSizeBytes: 4096 }]);
  r.untag('web', 'v1');
  // The state the scrubber shows for a time is the one after everything done at that time.
  const mid = [r.now(), r.eventLogHash()];
  r.runFor(3600000);
  const text = r.saveSession();
  const back = Registry.loadSession(text);
  eq([back.eventLogHash(), back.now()], [r.eventLogHash(), r.now()], 'loadSession replays to the saved state');
  // Damaged bytes, a newer format, a wrong hash, junk: each refused with its code.
  const v = JSON.parse(text);
  const key = Object.keys(v.blobs)[0];
  v.blobs[key] = btoa('not the bytes');
  eq(codeOf(() => Registry.loadSession(JSON.stringify(v))), 'DIGEST_INVALID/400', 'damaged bytes');
  const newer = JSON.parse(text); newer.format = 99;
  eq(codeOf(() => Registry.loadSession(JSON.stringify(newer))), 'INVALID_ARGUMENT/400', 'newer format');
  eq(codeOf(() => Registry.loadSession('{"kind":"stowage-session","format":1}')), 'INVALID_ARGUMENT/400', 'junk');
  eq(codeOf(() => Registry.loadSession(text.slice(0, 100))), 'INVALID_ARGUMENT/400', 'cut short');
  // Time travel through the API: back to the middle, forward to the end, then a fork.
  const end = [r.now(), r.eventLogHash()];
  const h = r.travelTo(mid[0]);
  eq([h.inPast, h.presentMs, r.now(), r.eventLogHash()], [true, end[0], mid[0], mid[1]], 'travelTo');
  r.returnToPresent();
  eq([r.now(), r.eventLogHash()], end, 'returnToPresent');
  r.travelTo(mid[0]);
  r.pushImage('web', 'what-if', [{ syntheticSizeBytes: 10 }]);
  const f = r.history();
  eq([f.inPast, f.fork.atMs, f.fork.droppedEntries], [false, mid[0], 1], 'a fork drops the old future');
  return Registry.loadSession(r.saveSession()).eventLogHash() === r.eventLogHash();
}

// A blob sent in chunks through an upload session, as a distribution client sends it; then
// an image that names it by digest. Refusals carry their codes and change nothing.
export async function chunkedUpload(Registry) {
  const r = new Registry({ tier: 'Premium' });
  const layer = new Uint8Array(200000).map((_, i) => (i * 31 + 7) % 251);
  const digest = await sha256(layer);
  const up = r.startUpload('team/big');
  eq([up.id, up.repo, up.receivedBytes], ['u1', 'team/big', 0], 'startUpload');
  for (let from = 0; from < layer.length; from += 65536) {
    const s = r.appendUpload(up.id, layer.subarray(from, from + 65536), from);
    eq(s.receivedBytes, Math.min(layer.length, from + 65536), 'appendUpload');
  }
  eq(codeOf(() => r.appendUpload(up.id, layer.subarray(0, 10), 0)), 'BLOB_UPLOAD_INVALID/400', 'out of order');
  eq(codeOf(() => r.appendUpload('u9', layer.subarray(0, 10))), 'BLOB_UPLOAD_UNKNOWN/404', 'unknown upload');
  eq(codeOf(() => r.appendUpload(up.id, 7)), 'INVALID_ARGUMENT/400', 'bytes of the wrong type');
  const saved = r.saveSession();
  eq(codeOf(() => r.finishUpload(up.id, await_digest_wrong)), 'DIGEST_INVALID/400', 'wrong digest');
  eq(r.saveSession() === saved, true, 'a refused finish changes nothing');
  eq(r.uploads().map((u) => u.receivedBytes), [200000], 'still open');
  eq(r.finishUpload(up.id, digest, 200000), digest, 'finishUpload');
  eq(r.uploads(), [], 'closed');
  eq(contains(r.pullBlob('team/big', digest), layer.subarray(1000, 1100)), true, 'pulled back');
  const image = r.pushImage('team/big', 'v1', [{ name: 'big.bin', digest, sizeBytes: 200000 }]);
  eq(image.layers, [digest], 'pushImage names the uploaded layer');
  eq(codeOf(() => r.pushImage('team/other', 'v1', [{ digest, sizeBytes: 200000 }])), 'MANIFEST_BLOB_UNKNOWN/400', 'not in that repository');
  const c = r.startUpload('team/big');
  r.appendUpload(c.id, layer.subarray(0, 5));
  eq(r.cancelUpload(c.id).receivedBytes, 5, 'cancelUpload');
  eq(codeOf(() => r.upload(c.id)), 'BLOB_UPLOAD_UNKNOWN/404', 'cancelled');
  return Registry.loadSession(r.saveSession()).eventLogHash() === r.eventLogHash();
}
const await_digest_wrong = 'sha256:' + '0'.repeat(64);
"#)]
extern "C" {
    #[wasm_bindgen(js_name = roundTrip, catch)]
    async fn round_trip(reg: Registry) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = scriptedRun, catch)]
    fn scripted_run(registry_class: JsValue, seed: u32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = tiersAndKeys, catch)]
    fn tiers_and_keys(registry_class: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = ociImport, catch)]
    async fn oci_import(registry_class: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = sessionRoundTrip, catch)]
    fn session_round_trip(registry_class: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = chunkedUpload, catch)]
    async fn chunked_upload(registry_class: JsValue) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen_test]
async fn a_blob_uploaded_in_chunks_through_the_js_api_is_stored_and_named_by_an_image() {
    let ok = chunked_upload(registry_class())
        .await
        .unwrap_or_else(|e| panic!("{}", js_sys::Error::from(e).message()));
    assert_eq!(ok.as_bool(), Some(true), "the session with its upload replays to the same log");
}

#[wasm_bindgen_test]
async fn an_oci_layout_built_in_the_test_imports_with_its_digests_checked() {
    let ok =
        oci_import(registry_class()).await.unwrap_or_else(|e| panic!("{}", js_sys::Error::from(e).message()));
    assert_eq!(ok.as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn a_saved_session_replays_refuses_damage_and_travels_in_time_through_the_js_api() {
    let ok = session_round_trip(registry_class())
        .unwrap_or_else(|e| panic!("{}", js_sys::Error::from(e).message()));
    assert_eq!(ok.as_bool(), Some(true), "the forked session replays to its own state");
}

#[wasm_bindgen_test]
fn a_scenario_played_in_the_browser_reaches_the_native_hash_and_oracle() {
    let json = include_str!("../www/scenarios/split-replica-push.json");
    let run = Registry::run_scenario(json.into())
        .unwrap_or_else(|e| panic!("{}", js_sys::Error::from(e).message()));
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::NULL);
    // The same constants the scenario's own expect block holds (checked natively).
    assert_eq!(
        get(&run, "eventLogHash").as_string().as_deref(),
        Some("a92157bafb760a0dc308b2d53a762f7ead95f9576f5af86166749922878c8d99")
    );
    let oracle = get(&run, "oracle");
    assert_eq!(get(&oracle, "pushesOk").as_f64(), Some(76.0));
    let failed = get(&oracle, "pushesFailed");
    assert_eq!(get(&failed, "MANIFEST_BLOB_UNKNOWN").as_f64(), Some(44.0));
    assert_eq!(get(&oracle, "wrongBytes").as_f64(), Some(0.0));
}

fn registry_class() -> JsValue {
    let reg: JsValue = Registry::new(JsValue::UNDEFINED).expect("a registry").into();
    js_sys::Reflect::get(&reg, &"constructor".into()).expect("the Registry class")
}

#[wasm_bindgen_test]
fn throttling_keys_and_retention_work_through_the_js_api() {
    if let Err(e) = tiers_and_keys(registry_class()) {
        panic!("{}", js_sys::Error::from(e).message());
    }
}

/// Must equal `SCRIPTED_RUN_HASH` in tests/engine.rs: the native run of the same script.
const SCRIPTED_RUN_HASH: &str = "c704d6d65ee455151f901a1f21f7afc949bf55026bffca575d6fea38f4f4cbf1";

#[wasm_bindgen_test]
fn the_browser_reaches_the_native_event_log_hash() {
    let result =
        scripted_run(registry_class(), 1).unwrap_or_else(|e| panic!("{}", js_sys::Error::from(e).message()));
    let result = js_sys::Array::from(&result);
    assert_eq!(result.get(0).as_string().as_deref(), Some(SCRIPTED_RUN_HASH));
    assert_eq!(result.get(1).as_f64(), Some((161_062 + 8 + 16 * 60_000) as f64));
}

#[wasm_bindgen_test]
async fn the_js_api_round_trips_refuses_and_deletes_like_a_registry() {
    let reg = Registry::new(JsValue::UNDEFINED).expect("a registry");
    match round_trip(reg).await {
        Ok(events) => assert!(events.as_f64().unwrap_or(0.0) >= 12.0, "events: {events:?}"),
        Err(e) => panic!("{}", js_sys::Error::from(e).message()),
    }
}

#[wasm_bindgen_test]
async fn the_page_mounts_and_shows_an_empty_registry() {
    let doc = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root = doc.create_element("div").expect("div");
    doc.body().expect("body").append_child(&root).expect("append");
    stowage::api::mount_app(root.clone().into()).expect("mounted");
    yew::scheduler::flush().await;
    let text = |id: &str| doc.get_element_by_id(id).and_then(|e| e.text_content()).unwrap_or_default();
    assert_eq!(text("registry-name").trim(), "stowage");
    let used = doc.get_element_by_id("storage-used").and_then(|e| e.get_attribute("data-bytes"));
    assert_eq!(used.as_deref(), Some("0"));
    assert!(doc.get_element_by_id("push-submit").is_some(), "the push form is there");
    assert!(doc.get_element_by_id("catalog").is_some(), "the catalog is there");
}

#[wasm_bindgen_test]
fn the_page_formats_sizes_with_exact_integer_arithmetic() {
    use stowage::ui::format::{exact_bytes, human_bytes, parse_size};
    let cases = [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (3000, "2.9 KiB"), (3721, "3.6 KiB")];
    for (bytes, text) in cases {
        assert_eq!(human_bytes(bytes), text);
    }
    assert_eq!(human_bytes(2 << 30), "2.0 GiB");
    assert_eq!(human_bytes(200 << 30), "200 GiB");
    assert_eq!(human_bytes(u64::MAX), "16384 PiB");
    assert_eq!(exact_bytes(3000), "3,000 bytes");
    assert_eq!(exact_bytes(1), "1 byte");
    assert_eq!(parse_size("1.5", "GiB"), Ok(1_610_612_736));
    assert_eq!(parse_size(" 512 ", "MiB"), Ok(536_870_912));
    assert_eq!(parse_size(".5", "KiB"), Ok(512));
    assert_eq!(parse_size("0.0001", "B"), Ok(0));
    for bad in ["", ".", "1.2.3", "-1", "1e3", "abc", "99999999999999999999999999999999999999999"] {
        assert!(parse_size(bad, "GiB").is_err(), "{bad:?}");
    }
    assert!(parse_size("1", "TB").is_err());
}

#[wasm_bindgen_test]
fn region_distances_are_bit_identical_to_the_native_ones() {
    // The same constant as `DISTANCE_CHECKSUM` in src/engine/region.rs (native).
    assert_eq!(stowage::engine::region::distance_checksum(), 10_307_617_380_642_967_232);
}
