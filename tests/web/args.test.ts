// `npm run web` options: flags win over the environment; the passphrase comes from a file or
// CONFAB_PASSPHRASE; bad ports are refused before anything starts.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../harness/util';
import { parseWebArgs } from '../../web/args';

const tmp = tempDir('web-args');
afterAll(() => tmp.remove());

describe('web host options', () => {
  it('reads --data, --port and --passphrase-file (first line only)', () => {
    const f = join(tmp.path, 'pass.txt');
    writeFileSync(f, 'secret words here\nsecond line\n');
    const o = parseWebArgs(['--data', '/d', '--port', '8123', '--passphrase-file', f], {}, '/static');
    expect(o).toEqual({ dataDir: '/d', port: 8123, passphrase: 'secret words here', staticDir: '/static' });
  });

  it('falls back to CONFAB_DATA, CONFAB_PORT and CONFAB_PASSPHRASE; flags win', () => {
    const env = { CONFAB_DATA: '/env-data', CONFAB_PORT: '9000', CONFAB_PASSPHRASE: 'from env' };
    expect(parseWebArgs([], env, '/s')).toEqual({ dataDir: '/env-data', port: 9000, passphrase: 'from env', staticDir: '/s' });
    expect(parseWebArgs(['--data', '/flag', '--port', '0'], env, '/s').dataDir).toBe('/flag');
    expect(parseWebArgs([], { HOME: '/home/u' }, '/s').passphrase).toBeUndefined();
  });

  it('refuses a bad port, an empty passphrase file and unknown options', () => {
    expect(() => parseWebArgs(['--port', '70000'], {}, '/s')).toThrow(/port/);
    expect(() => parseWebArgs(['--port', 'abc'], {}, '/s')).toThrow(/port/);
    const empty = join(tmp.path, 'empty.txt');
    writeFileSync(empty, '\n');
    expect(() => parseWebArgs(['--passphrase-file', empty], {}, '/s')).toThrow(/empty/);
    expect(() => parseWebArgs(['--listen', '0.0.0.0'], {}, '/s')).toThrow();
  });
});
