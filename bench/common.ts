/**
 * Shared pieces of `npm run bench`: the context each part gets, percentiles, a timer, temp dirs.
 * Parts live in bench/parts/<name>.ts and export `run(ctx)`. Figures are ratios against a baseline
 * measured in the same run where one makes sense; nothing here is ever asserted by a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** the comparison figure measured in the same run, when there is one */
  baseline?: number;
  /** value / baseline (or the speed-up, as the part documents) */
  ratio?: number;
}

export interface BenchContext {
  /** --size N (parts choose their own default when absent) */
  size: number | undefined;
  /** other --key value options from the command line */
  options: Record<string, string>;
  add(result: BenchResult): void;
  log(message: string): void;
  /** a temp folder removed after the run (unless --keep) */
  tempDir(prefix: string): string;
}

export interface BenchPart {
  run(ctx: BenchContext): Promise<void> | void;
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

/** ms elapsed while running f */
export function time(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** runs f for each input, returns the ms samples */
export function sample<T>(inputs: T[], f: (x: T) => void): number[] {
  return inputs.map((x) => time(() => f(x)));
}

/** like sample(), with the CPU time of this process per call too (steadier than wall time on a busy machine) */
export function sampleWithCpu<T>(inputs: T[], f: (x: T) => void): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const x of inputs) {
    const c0 = process.cpuUsage();
    wall.push(time(() => f(x)));
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

export function round(v: number, digits = 3): number {
  const m = 10 ** digits;
  return Math.round(v * m) / m;
}

/** a small deterministic PRNG (mulberry32), so every run generates the same data */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeTempDirs(keep: boolean): { tempDir(prefix: string): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    tempDir(prefix: string) {
      const d = mkdtempSync(join(tmpdir(), `confab-bench-${prefix}-`));
      dirs.push(d);
      return d;
    },
    cleanup() {
      if (keep) return;
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
