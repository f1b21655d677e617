/**
 * Key slots: the archive's random 256-bit database key, wrapped once per slot, in a small JSON
 * header file beside the database. Any slot unlocks; adding or removing a slot rewrites only this
 * file (atomically), never the database.
 *
 * - passphrase slot: scrypt(passphrase, salt, N, r, p) → 32-byte KEK → AES-256-GCM(key); the scrypt
 *   parameters are stored in the slot, the slot id and parameters are bound as GCM associated data.
 * - sealed slot: a blob produced by the host (Electron safeStorage); core never sees how it is sealed.
 * - keyCheck: HMAC-SHA256(key, "confab-key-check-v1") (16 bytes) lets a raw key or an unsealed key be
 *   refused before the database is even opened, so a wrong key writes nothing.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptArchiveError, UsageError, WrongKeyError } from './errors';
import type { KdfParams, SlotInfo, SlotSpec } from './types';

export const KEY_BYTES = 32;
const FORMAT = 'confab-archive-keyslots';
const DEFAULT_KDF = { N: 2 ** 17, r: 8, p: 1 };

interface PassphraseSlot {
  id: string;
  kind: 'passphrase';
  createdAt: number;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  iv: string;
  tag: string;
  wrapped: string;
}

interface SealedSlot {
  id: string;
  kind: 'sealed';
  name: string;
  createdAt: number;
  blob: string;
}

type Slot = PassphraseSlot | SealedSlot;

export interface SlotsFile {
  format: typeof FORMAT;
  version: 1;
  db: string;
  cipher: 'sqlcipher';
  keyCheck: string;
  slots: Slot[];
}

export function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('confab-key-check-v1').digest().subarray(0, 16).toString('base64');
}

export function checkKey(file: SlotsFile, key: Buffer): boolean {
  if (key.length !== KEY_BYTES) return false;
  const a = Buffer.from(keyCheck(key), 'base64');
  const b = Buffer.from(file.keyCheck, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

function kek(passphrase: string, kdf: PassphraseSlot['kdf']): Buffer {
  const salt = Buffer.from(kdf.salt, 'base64');
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 16 * 1024 * 1024 });
}

function aad(id: string, kdf: PassphraseSlot['kdf']): Buffer {
  return Buffer.from(`${FORMAT}|${id}|scrypt|${kdf.N}|${kdf.r}|${kdf.p}|${kdf.salt}`);
}

function validKdf(p: KdfParams | undefined): { N: number; r: number; p: number } {
  const out = { ...DEFAULT_KDF, ...(p ?? {}) };
  if (!Number.isInteger(Math.log2(out.N)) || out.N < 2 ** 10 || out.N > 2 ** 22) throw new UsageError('scrypt N must be a power of two between 2^10 and 2^22');
  if (!Number.isInteger(out.r) || out.r < 1 || out.r > 32 || !Number.isInteger(out.p) || out.p < 1 || out.p > 16) throw new UsageError('bad scrypt r/p');
  return out;
}

function makeSlot(spec: SlotSpec, key: Buffer): Slot {
  const id = `${spec.kind === 'passphrase' ? 'p' : 's'}-${randomBytes(6).toString('hex')}`;
  const createdAt = Date.now();
  if (spec.kind === 'passphrase') {
    if (typeof spec.passphrase !== 'string' || spec.passphrase.length === 0) throw new UsageError('the passphrase must not be empty');
    const params = validKdf(spec.kdf);
    const kdf = { name: 'scrypt' as const, ...params, salt: randomBytes(16).toString('base64') };
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', kek(spec.passphrase, kdf), iv);
    c.setAAD(aad(id, kdf));
    const wrapped = Buffer.concat([c.update(key), c.final()]);
    return { id, kind: 'passphrase', createdAt, kdf, iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), wrapped: wrapped.toString('base64') };
  }
  if (!spec.name || !/^[\w.-]{1,64}$/.test(spec.name)) throw new UsageError('a sealed slot needs a short name like "safeStorage"');
  const blob = spec.seal(Buffer.from(key));
  if (!Buffer.isBuffer(blob) || blob.length === 0) throw new UsageError('seal() must return a non-empty Buffer');
  return { id, kind: 'sealed', name: spec.name, createdAt, blob: blob.toString('base64') };
}

export function newSlotsFile(dbName: string, key: Buffer, first: SlotSpec): SlotsFile {
  return { format: FORMAT, version: 1, db: dbName, cipher: 'sqlcipher', keyCheck: keyCheck(key), slots: [makeSlot(first, key)] };
}

export function addSlot(file: SlotsFile, key: Buffer, spec: SlotSpec): { file: SlotsFile; info: SlotInfo } {
  const slot = makeSlot(spec, key);
  return { file: { ...file, slots: [...file.slots, slot] }, info: info(slot) };
}

export function removeSlot(file: SlotsFile, id: string): SlotsFile {
  if (!file.slots.some((s) => s.id === id)) throw new UsageError(`no key slot ${id}`);
  if (file.slots.length === 1) throw new UsageError('cannot remove the last key slot: the archive could never be opened again');
  return { ...file, slots: file.slots.filter((s) => s.id !== id) };
}

export function info(s: Slot): SlotInfo {
  return s.kind === 'sealed' ? { id: s.id, kind: s.kind, name: s.name, createdAt: s.createdAt } : { id: s.id, kind: s.kind, createdAt: s.createdAt };
}

export function listSlots(file: SlotsFile): SlotInfo[] {
  return file.slots.map(info);
}

/** tries every passphrase slot; WrongKeyError when none opens */
export function unlockWithPassphrase(file: SlotsFile, passphrase: string): Buffer {
  for (const s of file.slots) {
    if (s.kind !== 'passphrase') continue;
    try {
      const d = createDecipheriv('aes-256-gcm', kek(passphrase, s.kdf), Buffer.from(s.iv, 'base64'));
      d.setAAD(aad(s.id, s.kdf));
      d.setAuthTag(Buffer.from(s.tag, 'base64'));
      const key = Buffer.concat([d.update(Buffer.from(s.wrapped, 'base64')), d.final()]);
      if (checkKey(file, key)) return key;
    } catch {
      // wrong passphrase for this slot: try the next one
    }
  }
  throw new WrongKeyError();
}

export function unlockSealed(file: SlotsFile, name: string, unseal: (blob: Buffer) => Buffer): Buffer {
  for (const s of file.slots) {
    if (s.kind !== 'sealed' || s.name !== name) continue;
    let key: Buffer;
    try {
      key = unseal(Buffer.from(s.blob, 'base64'));
    } catch {
      continue;
    }
    if (Buffer.isBuffer(key) && checkKey(file, key)) return Buffer.from(key);
  }
  throw new WrongKeyError();
}

/** null when the folder has no slots file (not an archive) */
export function readSlotsFile(dir: string, name: string): SlotsFile | null {
  const path = join(dir, name);
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CorruptArchiveError(`${name} is not readable JSON`, { cause: err });
  }
  const f = parsed as Partial<SlotsFile> | null;
  if (!f || f.format !== FORMAT) return null;
  if (f.version !== 1 || !Array.isArray(f.slots) || typeof f.keyCheck !== 'string' || typeof f.db !== 'string') {
    throw new CorruptArchiveError(`${name} has an unknown layout`);
  }
  return f as SlotsFile;
}

/** atomic replace: temp file, fsync, rename (mode 0600) */
export function writeSlotsFile(dir: string, name: string, file: SlotsFile): void {
  const path = join(dir, name);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(file, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // directory fsync is not supported everywhere
  }
}
