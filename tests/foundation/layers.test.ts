import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
// the compiler and ESLint over the whole tree take a while on a loaded 2-core machine
const SLOW = 300_000;

describe('layering', () => {
  it('the import-boundary lint catches every planted violation', () => {
    const r = spawnSync(process.execPath, ['tests/lint/prove-boundaries.mjs'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toContain('every planted violation was caught');
    expect(r.stdout).not.toContain('MISSED');
    expect(r.status).toBe(0);
  }, SLOW);

  it('the compiler refuses electron inside core/ and Node built-ins inside renderer/', () => {
    const plants = [
      { file: 'core/__planted_tsc_electron.ts', code: "import { app } from 'electron';\nexport const a = app;\n", project: 'core', expect: /has no exported member 'app'/ },
      { file: 'renderer/__planted_tsc_node.ts', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", project: 'renderer', expect: /Cannot find module 'node:fs'/ },
    ];
    try {
      for (const p of plants) {
        writeFileSync(join(root, p.file), p.code);
        const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', p.project, '--noEmit', '--composite', 'false', '--declaration', 'false', '--emitDeclarationOnly', 'false'], { cwd: root, encoding: 'utf8' });
        expect(r.status, `${p.file} must not compile`).not.toBe(0);
        expect(r.stdout).toMatch(p.expect);
      }
    } finally {
      for (const p of plants) rmSync(join(root, p.file), { force: true });
    }
  }, SLOW);

  it('the tree itself passes the boundary lint', () => {
    // throws (fails the test) when ESLint reports any error
    execFileSync(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--quiet', '.'], { cwd: root, stdio: 'pipe' });
  }, SLOW);
});
