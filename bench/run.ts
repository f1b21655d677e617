/**
 * npm run bench [-- <part> ...] [--size N] [--json FILE] [--keep] [--<key> <value> ...]
 * Runs every bench/parts/*.ts (or only the named ones), prints each figure as it is measured and,
 * with --json, writes all figures as [{name, value, unit, baseline?, ratio?}].
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeTempDirs, type BenchContext, type BenchPart, type BenchResult } from './common';

function parseArgs(argv: string[]): { parts: string[]; json: string | null; size: number | undefined; keep: boolean; options: Record<string, string> } {
  const parts: string[] = [];
  const options: Record<string, string> = {};
  let json: string | null = null;
  let size: number | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = argv[++i] ?? null;
    else if (a === '--size') size = Number(argv[++i]);
    else if (a === '--keep') keep = true;
    else if (a.startsWith('--')) options[a.slice(2)] = argv[++i] ?? '';
    else parts.push(a);
  }
  if (size !== undefined && (!Number.isFinite(size) || size <= 0)) throw new Error('--size needs a positive number');
  return { parts, json, size, keep, options };
}

function fmt(r: BenchResult): string {
  const extra = r.baseline !== undefined ? `   (baseline ${r.baseline} ${r.unit}${r.ratio !== undefined ? `, ratio ${r.ratio}` : ''})` : r.ratio !== undefined ? `   (ratio ${r.ratio})` : '';
  return `${r.name.padEnd(52)} ${String(r.value).padStart(12)} ${r.unit}${extra}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const here = dirname(fileURLToPath(import.meta.url));
  const partsDir = join(here, 'parts');
  const available = readdirSync(partsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
  const chosen = args.parts.length ? args.parts : available;
  for (const p of chosen) if (!available.includes(p)) throw new Error(`no bench part "${p}" (have: ${available.join(', ')})`);
  const results: BenchResult[] = [];
  const dirs = makeTempDirs(args.keep);
  let failed = false;
  try {
    for (const name of chosen) {
      console.log(`\n== ${name}`);
      const mod = (await import(pathToFileURL(join(partsDir, `${name}.ts`)).href)) as BenchPart;
      const ctx: BenchContext = {
        size: args.size,
        options: args.options,
        add(r) {
          const named = { ...r, name: `${name}.${r.name}` };
          results.push(named);
          console.log(fmt(named));
        },
        log(m) {
          console.log(`   ${m}`);
        },
        tempDir: dirs.tempDir,
      };
      try {
        await mod.run(ctx);
      } catch (err) {
        failed = true;
        console.error(`bench part ${name} failed:`, err);
      }
    }
  } finally {
    dirs.cleanup();
  }
  if (args.json) {
    writeFileSync(args.json, JSON.stringify(results, null, 2) + '\n');
    console.log(`\nwrote ${results.length} figures to ${args.json}`);
  }
  if (failed) process.exitCode = 1;
}

await main();
