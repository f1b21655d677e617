// Issue 9, guarantee 5 "files 0600, folders 0700" for the archive's database, WAL/SHM and lock
// files (was failing; fixed in core/history, which now creates them 0600). Run: `npm run soak -- file-modes`.
import { afterAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../harness/util';
import { listDirs, listFiles, startEngine, type Eng } from '../reliability/lib';

const tmp = tempDir('soak-modes');
let eng: Eng | null = null;
afterAll(async () => {
  await eng?.proc.close();
  tmp.remove();
});

describe('file modes under the data folder', () => {
  it('every file is 0600 and every folder 0700, while the engine runs (WAL, SHM, lock) and after', async () => {
    const dataDir = join(tmp.path, 'data');
    eng = await startEngine(dataDir, { unlock: 'create' });
    await eng.call('status.set', { show: 'away', message: 'modes' });
    const bad = (): string[] => [
      ...listFiles(dataDir).filter((f) => (statSync(f).mode & 0o077) !== 0).map((f) => `${f} ${(statSync(f).mode & 0o777).toString(8)}`),
      ...listDirs(dataDir).filter((d) => (statSync(d).mode & 0o077) !== 0).map((d) => `${d}/ ${(statSync(d).mode & 0o777).toString(8)}`),
    ];
    const running = bad();
    await eng.proc.close();
    eng = null;
    expect({ running, after: bad() }).toEqual({ running: [], after: [] });
  });
});
