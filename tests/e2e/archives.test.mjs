// End-to-end test of the catalog's image archives (findings 8 and 9; ui/components/archives.rs):
//
//   - "Import archive…" takes a gzipped OCI image layout and a gzipped `docker save` tarball
//     through the file input; the catalog lists the images with the digests the engine gives
//     (stowage.page()), and the page keeps the import in its saved session;
//   - "Export OCI layout" and "Export docker archive" download tars with the expected entries,
//     byte for byte what the JS API's exportOciLayout / exportDockerArchive return, and say which
//     images were left out and why; where skopeo is installed it reads both downloads;
//   - a file that is not an archive (a zip, a cut-short .tar.gz) is refused with its code and
//     words, and changes nothing: the event log hash and the log stay as they were.
//
// The release build in dist/ (or $DIST) is served by scripts/serve.mjs and driven in headless
// Chromium by playwright-core (helpers.mjs). Screenshots go to target/e2e/archives-*.png.
//
//   scripts/build.sh && node --test tests/e2e/archives.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dockerSave, hashOf, historyOf, paths, site, tar } from './helpers.mjs';

const { ROOT, DIST, SHOTS } = paths(import.meta.url);
/** The window the screenshots are taken at (a common laptop). */
const VIEWPORT = { width: 1366, height: 900 };
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The entries of a tar, by path, in order. */
function untar(buf) {
  const out = new Map();
  let at = 0;
  const field = (h, from, to) => h.toString('utf8', from, to).replace(/\0.*$/s, '');
  while (at + 512 <= buf.length) {
    const h = buf.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const prefix = field(h, 345, 500);
    const name = prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100);
    const size = parseInt(field(h, 124, 136).trim(), 8);
    at += 512;
    out.set(name, buf.subarray(at, at + size));
    at += Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Whether skopeo is installed (the downloads are then read with it too). */
const SKOPEO = spawnSync('skopeo', ['--version']).status === 0;
const skopeo = (...args) => {
  const out = spawnSync('skopeo', args, { encoding: 'buffer' });
  assert.equal(out.status, 0, `skopeo ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
};

/** Chooses `bytes` as `name` in the archive file input; resolves with the outcome shown. */
async function upload(p, name, bytes) {
  await p.locator('#archive-import-file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
  const result = p.locator('#archive-result:not([data-kind="reading"])');
  await result.waitFor();
  return result;
}

/** Clicks an export button; resolves with the downloaded file's name and bytes. */
async function download(p, button, dir) {
  const [file] = await Promise.all([p.waitForEvent('download'), p.locator(button).click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return { name: file.suggestedFilename(), path, bytes: readFileSync(path) };
}

/** The manifest digests `stowage.page()` lists for `repo`, by tag. */
const digestsOf = (p, repo) => p.evaluate((repo) => Object.fromEntries(window.stowage.page().manifests(repo)
  .flatMap((m) => m.tags.map((t) => [t, m.digest]))), repo);

describe('image archives in the catalog: import .tar.gz, export OCI layout and docker archive', { timeout: 300_000 }, () => {
  const web = site({ root: ROOT, dist: DIST, viewport: VIEWPORT });
  const dir = mkdtempSync(join(tmpdir(), 'stowage-archives-'));

  it('imports a gzipped OCI layout and docker save with the engine\'s digests, keeps them, and exports both formats', async () => {
    const p = await web.open();
    await p.locator('#archives').waitFor();
    const start = await historyOf(p);

    // An OCI layout made by another registry (the JS API), gzipped here.
    const hello = 'hello from an OCI layer\n';
    const made = await p.evaluate((hello) => {
      const r = new window.stowage.Registry();
      const rootfs = new TextEncoder().encode(hello);
      const pushed = r.pushImage('team/web', 'v1', [{ name: 'hello.txt', bytes: rootfs }]);
      return { digest: pushed.digest, layout: Array.from(r.exportOciLayout().bytes) };
    }, hello);
    const layout = gzipSync(Buffer.from(made.layout));
    assert.deepEqual([...layout.subarray(0, 2)], [0x1f, 0x8b]);
    let result = await upload(p, 'web.oci.tar.gz', layout);
    assert.equal(await result.getAttribute('data-kind'), 'imported', await result.textContent());
    assert.equal(await result.getAttribute('data-format'), 'oci-layout');
    assert.equal(await result.getAttribute('data-gzip'), 'true');
    assert.match(await result.textContent(), /^Imported web\.oci\.tar\.gz, a gzip-compressed OCI image layout: 1 image, [\d,]+ bytes in 2 blobs\./);
    const webImage = result.locator('li[data-image="team/web:v1"]');
    assert.equal(await webImage.getAttribute('data-digest'), made.digest, 'the digest the exporting registry gave');
    assert.deepEqual(await digestsOf(p, 'team/web'), { v1: made.digest }, 'the page\'s registry has it');
    await p.locator(`#catalog article.manifest[data-digest="${made.digest}"]`).waitFor();

    // A docker save tarball, gzipped (docker save | gzip), as .tgz.
    const saved = dockerSave('docker.io/team/app:v1', [['app/run.sh', Buffer.from('#!/bin/sh\necho app\n')]]);
    result = await upload(p, 'app.tgz', gzipSync(saved.bytes));
    assert.equal(await result.getAttribute('data-kind'), 'imported', await result.textContent());
    assert.equal(await result.getAttribute('data-format'), 'docker-save');
    assert.match(await result.textContent(), /^Imported app\.tgz, a gzip-compressed docker save archive: 1 image/);
    const appDigest = await result.locator('li[data-image="team/app:v1"]').getAttribute('data-digest');
    assert.deepEqual(await digestsOf(p, 'team/app'), { v1: appDigest });
    const appManifest = await p.evaluate(() => Array.from(window.stowage.page().pullManifest('team/app', 'v1').bytes));
    assert.equal(`sha256:${sha256(Buffer.from(appManifest))}`, appDigest, 'the digest shown is the manifest bytes\'');
    assert.equal(JSON.parse(Buffer.from(appManifest).toString()).layers[0].digest, saved.diffId);
    await p.locator(`#catalog article.manifest[data-digest="${appDigest}"]`).waitFor();
    assert.equal((await historyOf(p)).entries, start.entries + 3, 'two imports (and the pull above) in the log');

    // The page keeps both imports: the session it saves replays to the registry shown.
    const hash = await hashOf(p);
    await p.waitForFunction((h) => document.getElementById('session')?.dataset.savedHash === h, hash, { timeout: 15_000 });

    // Export OCI layout: the OCI image; the Docker one is left out, with the reason.
    const oci = await download(p, '#archive-export-oci', dir);
    assert.match(oci.name, /-oci-layout\.tar$/);
    result = p.locator('#archive-result[data-kind="exported"][data-format="oci-layout"]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-bytes'), String(oci.bytes.length));
    assert.deepEqual(Buffer.from(await p.evaluate(() => Array.from(window.stowage.page().exportOciLayout().bytes))), oci.bytes,
      'the download is what exportOciLayout gives');
    const ociFiles = untar(oci.bytes);
    assert.equal(ociFiles.get('oci-layout').toString(), '{"imageLayoutVersion":"1.0.0"}');
    const index = JSON.parse(ociFiles.get('index.json'));
    assert.deepEqual(index.manifests.map((m) => [m.annotations['org.opencontainers.image.ref.name'], m.digest]),
      [['team/web:v1', made.digest]]);
    for (const [name, bytes] of ociFiles) {
      if (name.startsWith('blobs/sha256/')) assert.equal(sha256(bytes), name.slice('blobs/sha256/'.length), name);
    }
    assert.equal(await result.locator('li[data-image="team/app:v1"]').textContent(), 'team/app:v1 — docker format: export as docker archive');
    assert.match(await result.textContent(), /^Saved stowage-oci-layout\.tar \([\d.]+ KiB\): 1 image\.Left out:/);
    if (SKOPEO) {
      const raw = skopeo('inspect', '--raw', `oci-archive:${oci.path}:team/web:v1`);
      assert.equal(`sha256:${sha256(raw)}`, made.digest, 'skopeo reads the engine\'s manifest');
    }
    await p.locator('#catalog').scrollIntoViewIfNeeded();
    await p.locator('#archives').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await p.screenshot({ path: join(SHOTS, 'archives-oci-export-en.png') });

    // Export docker archive: the Docker image, as docker save writes it; the OCI one left out.
    const docker = await download(p, '#archive-export-docker', dir);
    assert.match(docker.name, /-docker-archive\.tar$/);
    result = p.locator('#archive-result[data-kind="exported"][data-format="docker-archive"]');
    await result.waitFor();
    assert.deepEqual(Buffer.from(await p.evaluate(() => Array.from(window.stowage.page().exportDockerArchive().bytes))), docker.bytes,
      'the download is what exportDockerArchive gives');
    const dockerFiles = untar(docker.bytes);
    const entries = JSON.parse(dockerFiles.get('manifest.json'));
    const layerFile = `${saved.diffId.slice('sha256:'.length)}.tar`;
    assert.deepEqual(entries.map((e) => [e.RepoTags, e.Layers]), [[['team/app:v1'], [layerFile]]]);
    assert.deepEqual([...dockerFiles.keys()].sort(), ['manifest.json', entries[0].Config, layerFile].sort());
    assert.deepEqual(dockerFiles.get(layerFile), saved.layer, 'the layer tar as it was saved');
    assert.equal(await result.locator('li[data-image="team/web:v1"]').textContent(), 'team/web:v1 — OCI format: export as OCI layout');
    if (SKOPEO) {
      const inspected = JSON.parse(skopeo('inspect', `docker-archive:${docker.path}`));
      assert.deepEqual(inspected.Layers, [saved.diffId], 'skopeo reads the docker archive');
    }
    await p.locator('#archives').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await p.screenshot({ path: join(SHOTS, 'archives-docker-export-en.png') });
    assert.equal(await hashOf(p), hash, 'exporting changes nothing');
    assert.deepEqual(web.errors, []);
  });

  it('a file that is not an archive is refused with its code and words, and changes nothing', async () => {
    const p = await web.open();
    await p.evaluate(() => window.stowage.page().pushImage('keep/me', 'v1', [{ name: 'f', bytes: new TextEncoder().encode('kept') }]));
    await p.locator('#catalog li.repo[data-repo="keep/me"]').waitFor();
    const before = { hash: await hashOf(p), entries: (await historyOf(p)).entries };
    const zip = readFileSync(join(ROOT, 'tests', 'fixtures', 'archives', 'hello.tar.zip'));
    const cases = [
      ['hello.zip', zip, 'this looks like a zip file, not a tar: Stowage reads OCI image layouts and docker save archives, as .tar or .tar.gz'],
      ['cut.tar.gz', gzipSync(dockerSave('a:b', [['f', Buffer.from('f')]]).bytes).subarray(0, 60), 'the gzip file is damaged or cut short'],
      ['notes.tar', Buffer.from('just some text, not a tar at all'), 'this is not a tar archive, nor a gzip-compressed one'],
    ];
    for (const [name, bytes, says] of cases) {
      const result = await upload(p, name, bytes);
      assert.equal(await result.getAttribute('data-kind'), 'import-refused', name);
      assert.equal(await result.getAttribute('data-code'), 'INVALID_ARGUMENT', name);
      assert.equal(await result.locator('.code').textContent(), 'INVALID_ARGUMENT');
      assert.ok((await result.textContent()).includes(says), `${name}: ${await result.textContent()}`);
      assert.ok((await result.textContent()).includes(`Nothing was imported from ${name}; the registry is as it was.`));
      assert.equal(await p.locator('#error .code').textContent(), 'INVALID_ARGUMENT', 'the error banner shows it too');
      assert.deepEqual({ hash: await hashOf(p), entries: (await historyOf(p)).entries }, before, `${name}: nothing changed`);
      if (name === 'hello.zip') {
        await p.locator('#archives').evaluate((e) => e.scrollIntoView({ block: 'start' }));
        await p.screenshot({ path: join(SHOTS, 'archives-refused-en.png') });
      }
    }
    // A registry with no image in a format: the export says why, and downloads nothing.
    await p.locator('#archive-export-docker').click();
    const refused = p.locator('#archive-result[data-kind="export-refused"]');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-code'), 'NAME_UNKNOWN');
    assert.ok((await refused.textContent()).includes('there is no image to export in this format: keep/me:v1 (OCI format: export as OCI layout)'),
      await refused.textContent());
    assert.deepEqual(web.errors, []);
  });
});
