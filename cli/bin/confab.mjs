#!/usr/bin/env node
// The `confab` command: starts the TypeScript CLI (cli/main.ts).
// Fast path: an esbuild bundle of cli/main.ts (npm packages stay external), cached in
// node_modules/.cache/confab-cli/ under a key made of every source file's path, size and mtime in
// cli/, core/ and contract/, so any edit rebuilds it. It saves the TypeScript loader's start-up on
// every run (about 3× less CPU). Fallback — no esbuild (production install), a read-only tree, or
// CONFAB_CLI_TSX=1 — registers tsx and imports cli/main.ts directly.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// `confab search … | head` closes the pipe early: that is not an error
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (err) => { if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw err; });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(root, 'cli', 'main.ts');

function sourceKey() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p); }
      else if (/\.(?:ts|mts|js|mjs|json)$/.test(e.name)) { const st = statSync(p); h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`); }
    }
  };
  for (const d of ['cli', 'core', 'contract']) walk(join(root, d));
  h.update(process.version);
  return h.digest('hex').slice(0, 24);
}

async function bundled() {
  if (process.env.CONFAB_CLI_TSX === '1') return null;
  try {
    const cache = join(root, 'node_modules', '.cache', 'confab-cli');
    const out = join(cache, `main-${sourceKey()}.mjs`);
    if (!existsSync(out)) {
      const esbuild = await import('esbuild');
      mkdirSync(cache, { recursive: true });
      const tmp = `${out}.${process.pid}.tmp.mjs`;
      await esbuild.build({
        entryPoints: [entry], outfile: tmp, bundle: true, platform: 'node', format: 'esm', target: 'node20',
        packages: 'external', logLevel: 'silent', sourcemap: 'inline',
      });
      renameSync(tmp, out); // atomic: parallel runs never see half a file
      for (const f of readdirSync(cache)) if (f !== out.slice(cache.length + 1) && /^main-[0-9a-f]+\.mjs$/.test(f)) rmSync(join(cache, f), { force: true });
    }
    return out;
  } catch {
    return null;
  }
}

const bundle = await bundled();
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(pathToFileURL(entry).href));
}
process.exitCode = await main(process.argv);
