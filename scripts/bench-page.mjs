// Measures the shipped bundle (dist/, after wasm-opt) in headless Chromium:
//   node scripts/bench-page.mjs [sizeMiB] [rounds]
// Prints the bundle size and stowage.benchmark()'s table (MB/s beside raw SHA-256 / AES-GCM).
import { spawn } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const sizeMiB = Number(process.argv[2] ?? 16), rounds = Number(process.argv[3] ?? 5);
const wasm = 'dist/pkg/stowage_bg.wasm';
const raw = statSync(wasm).size, gz = gzipSync(readFileSync(wasm), { level: 9 }).length;
console.log(`bundle: ${wasm} ${raw} bytes, ${gz} bytes gzip -9`);

const port = 18500 + Math.floor(Math.random() * 400);
const server = spawn(process.execPath, ['scripts/serve.mjs', 'dist', String(port)], { stdio: 'pipe' });
await new Promise(r => server.stdout.once('data', r));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => window.stowage);
  const table = await page.evaluate(([s, n]) => window.stowage.benchmark(s * 1048576, n), [sizeMiB, rounds]);
  console.log(`in Chromium, ${sizeMiB} MiB buffer, best of ${rounds} rounds\n${table}`);
  const ops = Number(process.env.OPS ?? 1000000);
  const w = await page.evaluate(n => window.stowage.benchmarkWorkload(n), ops);
  console.log(`workload in Chromium: ${w.operations} client operations (${w.pushes} pushes, ${w.pulls} pulls, ` +
    `${w.events} events) in ${Math.round(w.ms)} ms: ${Math.round(w.opsPerS)} operations/s`);
} finally {
  await browser.close();
  server.kill();
}
