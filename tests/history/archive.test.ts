/** Opening archives: key slots, wrong keys, damaged files, newer schemas, the raw key file rule, temp files. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArchiveExistsError,
  CorruptArchiveError,
  NewerVersionError,
  UsageError,
  WrongKeyError,
  createArchive,
  openArchive,
  readKeyFile,
} from '../../core/history/index';
import type { SqliteHistoryStore } from '../../core/history/store';
import { tempDir } from '../harness/util';
import { FAST_KDF, PASS, filesContain, msg, newStore, snapshot } from './helpers';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((f) => f()));

function fixture(prefix: string) {
  const s = newStore(prefix);
  cleanups.push(s.remove);
  const a = s.store.addAccount({ protocol: 'xmpp', label: 'work', config: { jid: 'me@example.org' }, secrets: { password: 'pa55-w0rd-Zebra' } });
  const c = s.store.ensureConversation(a.id, 'direct', 'bob@example.org');
  s.store.insertMessages([msg(a.id, c.id, 'the launch code is marmalade-omega'), msg(a.id, c.id, 'second message')]);
  return { ...s, accountId: a.id, convId: c.id };
}

/** a stand-in for Electron safeStorage: AES-GCM under a host key the core never sees */
function fakeSafeStorage() {
  const hostKey = randomBytes(32);
  return {
    seal(key: Buffer): Buffer {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', hostKey, iv);
      const ct = Buffer.concat([c.update(key), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), ct]);
    },
    unseal(blob: Buffer): Buffer {
      const d = createDecipheriv('aes-256-gcm', hostKey, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([d.update(blob.subarray(28)), d.final()]);
    },
  };
}

describe('archive files', () => {
  it('nothing readable at rest: bodies and account passwords are not in any file of the folder', () => {
    const f = fixture('rest');
    f.store.close();
    expect(filesContain(f.dir, 'marmalade-omega')).toEqual([]);
    expect(filesContain(f.dir, 'pa55-w0rd-Zebra')).toEqual([]);
    expect(filesContain(f.dir, PASS)).toEqual([]);
    // …yet it is all there when opened
    const s = openArchive(f.dir, { passphrase: PASS });
    expect(s.search('marmalade').hits).toHaveLength(1);
    expect(s.accountSecrets(f.accountId)).toEqual({ password: 'pa55-w0rd-Zebra' });
    s.close();
  });

  it('refuses to create over an existing archive', () => {
    const f = fixture('exists');
    f.store.close();
    expect(() => createArchive(f.dir, { passphrase: 'x', kdf: FAST_KDF })).toThrow(ArchiveExistsError);
  });

  it('wrong passphrase, wrong key, or a folder that is no archive: one clear error and not a byte written', () => {
    const f = fixture('wrongkey');
    f.store.close();
    const before = snapshot(f.dir);
    expect(() => openArchive(f.dir, { passphrase: 'not it' })).toThrow(WrongKeyError);
    expect(() => openArchive(f.dir, { passphrase: 'not it' })).toThrow('wrong passphrase, or not a Confab archive');
    expect(() => openArchive(f.dir, { key: randomBytes(32) })).toThrow(WrongKeyError);
    expect(() => openArchive(f.dir, { key: randomBytes(32) }, { readOnly: true })).toThrow(WrongKeyError);
    expect(snapshot(f.dir)).toEqual(before);
    const empty = tempDir('noarchive');
    cleanups.push(empty.remove);
    writeFileSync(join(empty.path, 'history.db'), 'hello');
    expect(() => openArchive(empty.path, { passphrase: PASS })).toThrow(WrongKeyError);
    expect(readdirSync(empty.path)).toEqual(['history.db']);
  });

  it('a damaged database: a clear error, the file left exactly as it was', () => {
    const f = fixture('corrupt');
    f.store.close();
    const db = join(f.dir, 'history.db');
    const bytes = readFileSync(db);
    bytes.fill(0x41, 0, 4096); // page 1 overwritten
    writeFileSync(db, bytes);
    const before = snapshot(f.dir);
    expect(() => openArchive(f.dir, { passphrase: PASS })).toThrow(CorruptArchiveError);
    expect(() => openArchive(f.dir, { passphrase: PASS }, { readOnly: true })).toThrow(CorruptArchiveError);
    expect(snapshot(f.dir)).toEqual(before);
  });

  it('a damaged key slots file is reported as damage, not as a wrong key', () => {
    const f = fixture('corruptslots');
    f.store.close();
    writeFileSync(join(f.dir, 'keyslots.json'), '{ "format": "confab-archive-keyslots", ');
    expect(() => openArchive(f.dir, { passphrase: PASS })).toThrow(CorruptArchiveError);
  });

  it('an archive from a newer Confab is refused, untouched', () => {
    const f = fixture('newer');
    const key = join(tempDir('newer-key').path, 'k.hex');
    f.store.exportKeyFile(key);
    f.store.connection.pragma('user_version = 99');
    f.store.close();
    const before = snapshot(f.dir);
    const err = (() => { try { openArchive(f.dir, { key: readKeyFile(key) }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(NewerVersionError);
    expect((err as Error).message).toMatch(/newer Confab/);
    expect(snapshot(f.dir)).toEqual(before);
  });
});

describe('file modes', () => {
  it('every file of the archive is 0600 and the folder 0700, while open (WAL, SHM, lock) and after; older looser files are tightened', () => {
    const f = fixture('modes');
    const loose = () =>
      [f.dir, ...readdirSync(f.dir).map((n) => join(f.dir, n))]
        .map((p) => [p, statSync(p).mode & 0o777] as const)
        .filter(([p, m]) => (p === f.dir ? m !== 0o700 : m !== 0o600))
        .map(([p, m]) => `${p} ${m.toString(8)}`);
    expect(readdirSync(f.dir).sort()).toEqual(['history.db', 'history.db-shm', 'history.db-wal', 'keyslots.json', 'writer.lock']);
    expect(loose()).toEqual([]);
    f.store.close();
    expect(loose()).toEqual([]);
    chmodSync(join(f.dir, 'history.db'), 0o644);
    chmodSync(join(f.dir, 'writer.lock'), 0o644);
    const s = openArchive(f.dir, { passphrase: PASS });
    expect(loose()).toEqual([]);
    s.close();
  });
});

describe('key slots', () => {
  it('any slot unlocks; adding and removing slots never rewrites the database', () => {
    const f = fixture('slots');
    const ss = fakeSafeStorage();
    f.store.connection.pragma('wal_checkpoint(TRUNCATE)');
    const dbBefore = snapshot(f.dir)['history.db'];
    const p2 = f.store.addSlot({ kind: 'passphrase', passphrase: 'second one', kdf: FAST_KDF });
    const sealed = f.store.addSlot({ kind: 'sealed', name: 'safeStorage', seal: ss.seal });
    expect(f.store.listSlots().map((s) => s.kind)).toEqual(['passphrase', 'passphrase', 'sealed']);
    expect(snapshot(f.dir)['history.db']).toBe(dbBefore);
    f.store.close();
    for (const unlock of [{ passphrase: PASS }, { passphrase: 'second one' }, { sealed: 'safeStorage', unseal: ss.unseal }]) {
      const s = openArchive(f.dir, unlock);
      expect(s.search('marmalade').hits).toHaveLength(1);
      s.close();
    }
    // a different host (another safeStorage key) cannot unseal it
    expect(() => openArchive(f.dir, { sealed: 'safeStorage', unseal: fakeSafeStorage().unseal })).toThrow(WrongKeyError);
    const s = openArchive(f.dir, { passphrase: 'second one' });
    const first = s.listSlots()[0]!;
    s.removeSlot(first.id);
    s.removeSlot(p2.id);
    expect(() => s.removeSlot(sealed.id)).toThrow(/last key slot/);
    s.close();
    expect(() => openArchive(f.dir, { passphrase: PASS })).toThrow(WrongKeyError);
    expect(() => openArchive(f.dir, { passphrase: 'second one' })).toThrow(WrongKeyError);
    openArchive(f.dir, { sealed: 'safeStorage', unseal: ss.unseal }).close();
    const slots = JSON.parse(readFileSync(join(f.dir, 'keyslots.json'), 'utf8')) as { slots: Array<{ kdf?: { N: number } }> };
    expect(slots.slots).toHaveLength(1);
    expect(statSync(join(f.dir, 'keyslots.json')).mode & 0o777).toBe(0o600);
  });

  it('passphrase slots store their scrypt parameters; the default cost is 2^17', () => {
    const t = tempDir('kdf');
    cleanups.push(t.remove);
    const s = createArchive(join(t.path, 'a'), { passphrase: 'pw' });
    s.close();
    const f = JSON.parse(readFileSync(join(t.path, 'a', 'keyslots.json'), 'utf8')) as { slots: Array<{ kdf: { name: string; N: number; r: number; p: number } }> };
    expect(f.slots[0]!.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
  });

  it('a raw key file only outside the archive folder', () => {
    const f = fixture('keyfile');
    expect(() => f.store.exportKeyFile(join(f.dir, 'key.hex'))).toThrow(UsageError);
    mkdirSync(join(f.dir, 'sub'));
    expect(() => f.store.exportKeyFile(join(f.dir, 'sub', 'key.hex'))).toThrow(/outside the archive folder/);
    expect(() => f.store.exportKeyFile(join(f.dir, '..', 'archive', 'key.hex'))).toThrow(/outside/);
    expect(existsSync(join(f.dir, 'key.hex'))).toBe(false);
    const outside = join(tempDir('keyout').path, 'key.hex');
    f.store.exportKeyFile(outside);
    expect(statSync(outside).mode & 0o777).toBe(0o600);
    f.store.close();
    const s = openArchive(f.dir, { key: readKeyFile(outside) });
    expect(s.countMessages()).toBe(2);
    s.close();
  });
});

describe('temporary files', () => {
  it('temp_store is MEMORY on writer and reader connections', () => {
    const f = fixture('tempstore');
    expect(f.store.connection.pragma('temp_store', { simple: true })).toBe(2);
    const r = openArchive(f.dir, { passphrase: PASS }, { readOnly: true }) as SqliteHistoryStore;
    expect(r.connection.pragma('temp_store', { simple: true })).toBe(2);
    r.close();
  });
});

describe('pragmas', () => {
  it('WAL and synchronous=NORMAL (the documented decision), foreign keys on', () => {
    const f = fixture('pragmas');
    const c = f.store.connection;
    expect(c.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(c.pragma('synchronous', { simple: true })).toBe(1);
    expect(c.pragma('foreign_keys', { simple: true })).toBe(1);
    // queueing an outgoing message commits with FULL and returns to NORMAL afterwards
    const seen: number[] = [];
    const orig = c.pragma.bind(c);
    (c as unknown as { pragma: typeof c.pragma }).pragma = ((src: string, o?: Database.PragmaOptions) => {
      const r = orig(src, o);
      if (/^synchronous = /.test(src)) seen.push(Number(orig('synchronous', { simple: true })));
      return r;
    }) as typeof c.pragma;
    f.store.insertMessage(msg(f.accountId, f.convId, 'typed by the user', { direction: 'out', sender: 'me@example.org', clientId: 'c-durable' }));
    f.store.insertMessage(msg(f.accountId, f.convId, 'incoming'));
    (c as unknown as { pragma: typeof c.pragma }).pragma = orig;
    expect(seen).toEqual([2, 1]);
    expect(c.pragma('synchronous', { simple: true })).toBe(1);
  });
});
