// The archive key sealed into a key slot and opened again, against the REAL engine process
// (engine/client.ts → engine/main.ts with the real encrypted archive). The OS keychain is stood in
// for by an AES-256-GCM sealer with its own random key (Electron's safeStorage in the app).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEngineProcess, type EngineProcess } from '../../engine/client';
import { createKeyFlow, SEALED_SLOT, type Sealer } from '../../electron/keyFlow';
import { decideKeySealing } from '../../electron/keySealing';
import { tempDir } from '../harness/util';

const TEST_ENV = { CONFAB_TEST_KDF_N: '1024', CONFAB_LOG: 'error' };
const PASS = 'correct horse battery staple';
const tmp = tempDir('electron-keyflow');
const engines: EngineProcess[] = [];
afterAll(async () => {
  for (const e of engines) await e.close(2000).catch(() => undefined);
  tmp.remove();
});

function keychain(): Sealer {
  const key = randomBytes(32);
  return {
    async encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    async decrypt(blob) {
      const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

async function engine(dataDir: string): Promise<EngineProcess> {
  const e = startEngineProcess({ dataDir, env: TEST_ENV, stderr: 'ignore' });
  engines.push(e);
  await e.ready;
  return e;
}

async function status(e: EngineProcess) {
  const r = await e.call('archive.status', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const safe = async () => decideKeySealing({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'gnome_libsecret' });
const basicText = async () => decideKeySealing({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'basic_text' });

describe('archive key in a keychain-sealed slot (real engine)', () => {
  const dataDir = join(tmp.path, 'with-keyring');
  const chain = keychain();

  it('seals the key once after the first unlock, and the key is nowhere on disk in the clear', async () => {
    const e = await engine(dataDir);
    expect((await e.call('archive.create', { passphrase: PASS })).ok).toBe(true);
    const flow = createKeyFlow({ decision: safe, sealer: chain });
    // two archive.status events racing (create + the host's own query) seal only once
    expect(await Promise.all([flow.sealIfNeeded(e.call), flow.sealIfNeeded(e.call)])).toEqual(['sealed', 'sealed']);
    const after = await status(e);
    expect(after.slots.filter((s) => s.kind === 'sealed')).toEqual([expect.objectContaining({ name: SEALED_SLOT })]);
    expect(await flow.sealIfNeeded(e.call)).toBe('already-sealed');
    const key = await e.call('archive.exportKey', {});
    if (!key.ok) throw new Error(key.error.message);
    await e.close();
    for (const f of filesUnder(dataDir)) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(key.value.keyHex)), f).toBe(false);
      expect(bytes.includes(Buffer.from(key.value.keyHex, 'hex')), f).toBe(false);
    }
  });

  it('unlocks without the passphrase at the next start', async () => {
    const e = await engine(dataDir);
    const before = await status(e);
    expect(before.state).toBe('locked');
    const flow = createKeyFlow({ decision: safe, sealer: chain });
    expect(await flow.unlockWithSealedKey(e.call)).toBe('unlocked');
    expect((await status(e)).state).toBe('unlocked');
    await e.close();
  });

  it('after a keychain reset it stays locked, and the passphrase still opens it', async () => {
    const e = await engine(dataDir);
    const flow = createKeyFlow({ decision: safe, sealer: keychain() });
    expect(await flow.unlockWithSealedKey(e.call)).toBe('failed');
    expect((await status(e)).state).toBe('locked');
    expect((await e.call('archive.unlock', { passphrase: PASS })).ok).toBe(true);
    expect((await status(e)).state).toBe('unlocked');
    await e.close();
  });
});

describe('archive key with the basic_text backend (real engine)', () => {
  it('never seals the key: the passphrase is the only slot', async () => {
    const dataDir = join(tmp.path, 'basic-text');
    const e = await engine(dataDir);
    expect((await e.call('archive.create', { passphrase: PASS })).ok).toBe(true);
    const flow = createKeyFlow({ decision: basicText, sealer: keychain() });
    expect(await flow.sealIfNeeded(e.call)).toBe('passphrase-mode');
    expect((await status(e)).slots.map((s) => s.kind)).toEqual(['passphrase']);
    await e.close();
    const e2 = await engine(dataDir);
    expect(await flow.unlockWithSealedKey(e2.call)).toBe('passphrase-mode');
    // a keyring that appears later finds no sealed slot to open
    expect(await createKeyFlow({ decision: safe, sealer: keychain() }).unlockWithSealedKey(e2.call)).toBe('no-sealed-slot');
    expect((await status(e2)).state).toBe('locked');
    await e2.close();
  });
});
