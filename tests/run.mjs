#!/usr/bin/env node
// The whole suite, one folder of tests/ at a time, so each suite's duration stays visible in CI
// (the budget for `npm test` is 35 minutes on a 2-core machine). Usage: node tests/run.mjs [suite…]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// order: cheap and foundational first
const ORDER = ['foundation', 'history', 'xmpp', 'irc', 'engine', 'archive', 'electron', 'web', 'ui', 'reliability'];
const present = readdirSync(join(root, 'tests'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && hasTests(join(root, 'tests', d.name)))
  .map((d) => d.name);
const wanted = process.argv.slice(2);
const suites = (wanted.length ? wanted : [...ORDER.filter((s) => present.includes(s)), ...present.filter((s) => !ORDER.includes(s)).sort()]);

function hasTests(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && e.name !== 'fixtures' && hasTests(join(dir, e.name))) return true;
    if (e.isFile() && /\.test\.tsx?$/.test(e.name)) return true;
  }
  return false;
}

const out = mkdtempSync(join(tmpdir(), 'confab-test-report-'));
const rows = [];
let passed = 0, failed = 0, skipped = 0;
const t0 = Date.now();
for (const suite of suites) {
  const report = join(out, `${suite}.json`);
  const start = Date.now();
  console.log(`\n=== suite ${suite} ===`);
  const r = spawnSync('npx', ['vitest', 'run', `tests/${suite}/`, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  const secs = (Date.now() - start) / 1000;
  let p = 0, f = 0, s = 0;
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    p = j.numPassedTests ?? 0;
    f = (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0 ? 0 : 0);
    s = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    // a file that failed to load has no failing test but is a failure
    if (r.status !== 0 && f === 0) f = 1;
  } else if (r.status !== 0) {
    f = 1;
  }
  passed += p; failed += f; skipped += s;
  rows.push({ suite, secs, p, f, s, status: r.status });
}
rmSync(out, { recursive: true, force: true });

console.log('\n=== durations ===');
for (const r of rows) {
  console.log(`${r.suite.padEnd(12)} ${r.secs.toFixed(1).padStart(7)} s   ${r.p} passed, ${r.f} failed, ${r.s} skipped`);
}
console.log(`${'total'.padEnd(12)} ${((Date.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
