/**
 * The hash chain over exported messages. Each line of messages.jsonl is
 *   {"seq":N,"prev":H(N-1),"hash":H(N),"message":{…}}
 * with H(N) = SHA-256(H(N-1) + "\n" + canonical JSON of {seq, message}) and H(0) = 64 zeros.
 * An edit breaks that line's hash, a deletion breaks the seq run and the next line's prev, a
 * reordering breaks seq order; the manifest keeps the count and the last hash (the head).
 */
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted, so the hash does not depend on property order */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function linkHash(prev: string, seq: number, message: unknown): string {
  return sha256(prev + '\n' + canonicalJson({ seq, message }));
}
