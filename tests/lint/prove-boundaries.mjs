#!/usr/bin/env node
// Proves the layering lint bites: plants one violation of each kind in a scratch file inside the
// real tree, runs ESLint on it, and fails unless every plant is reported. The plants are removed after.
import { ESLint } from 'eslint';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const plants = [
  { file: 'core/__planted_react.ts', code: "import { useState } from 'react';\nexport const s = useState;\n", why: 'core imports react' },
  { file: 'core/__planted_electron.ts', code: "import { app } from 'electron';\nexport const a = app;\n", why: 'core imports electron' },
  { file: 'renderer/__planted_core.ts', code: "import { ProtocolRegistry } from '../core/protocol/registry';\nexport const r = ProtocolRegistry;\n", why: 'renderer imports core' },
  { file: 'renderer/__planted_node.ts', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", why: 'renderer imports node:fs' },
  { file: 'core/__planted_wire.ts', code: "import IRC from 'irc-framework';\nexport const i = IRC;\n", why: 'core imports a wire library' },
  { file: 'protocols/__planted_ui.ts', code: "import { r } from '../renderer/__planted_node';\nexport const y = r;\n", why: 'protocols imports renderer' },
  { file: 'misc__planted/unclassified.ts', code: 'export const z = 1;\n', why: 'a file outside every layer' },
];

let failed = 0;
try {
  for (const p of plants) {
    mkdirSync(dirname(join(root, p.file)), { recursive: true });
    writeFileSync(join(root, p.file), p.code);
  }
  const eslint = new ESLint({ cwd: root });
  const results = await eslint.lintFiles(plants.map((p) => p.file));
  for (const p of plants) {
    const r = results.find((x) => x.filePath === join(root, p.file));
    const errs = (r?.messages ?? []).filter((m) => m.severity === 2);
    const ok = errs.length > 0;
    if (!ok) failed++;
    console.log(`${ok ? 'caught ' : 'MISSED '} ${p.why}${ok ? `: ${errs[0].ruleId}` : ''}`);
  }
} finally {
  for (const p of plants) rmSync(join(root, p.file), { force: true });
  rmSync(join(root, 'misc__planted'), { recursive: true, force: true });
}
if (failed) {
  console.error(`the boundary lint missed ${failed} planted violation(s)`);
  process.exit(1);
}
console.log('boundary lint: every planted violation was caught');
