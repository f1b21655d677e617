import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { ImportedMessage, LogFormat, ParseIssue, ParseOptions } from './types';

export const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

export function monthIndex(name: string): number | undefined {
  return MONTHS[name.slice(0, 3).toLowerCase()];
}

/**
 * ms epoch of a wall-clock time. With an explicit offset (minutes east of UTC) the result is exact;
 * without one the process's local zone is used (TZ), like the client that wrote the log did.
 */
export function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, opts?: ParseOptions, offsetMinutes?: number): number {
  const off = offsetMinutes ?? opts?.utcOffsetMinutes;
  if (off !== undefined) return Date.UTC(y, mo, d, h, mi, s) - off * 60_000;
  return new Date(y, mo, d, h, mi, s).getTime();
}

export interface Ymd { y: number; mo: number; d: number }

export function nextDay(x: Ymd): Ymd {
  const t = new Date(Date.UTC(x.y, x.mo, x.d + 1));
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth(), d: t.getUTCDate() };
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/** HTML fragment → plain text: <br> becomes a newline, other tags go, entities are decoded. */
export function htmlToText(s: string): string {
  return decodeEntities(s.replace(/<br\s*\/?>/gi, '\n').replace(/<img\b[^>]*\balt="([^"]*)"[^>]*>/gi, '$1').replace(/<[^>]*>/g, ''));
}

export function isRoomName(name: string): boolean {
  return /^[#&!+]/.test(name);
}

/** conversation name from a log file name: "#chan.log" → "#chan" */
export function stem(path: string, ext: RegExp): string {
  return basename(path).replace(ext, '');
}

export function parentName(path: string): string {
  return basename(dirname(path));
}

/**
 * Collects messages of one file and gives each a stable source id: the hash of what identifies the
 * message plus how often the same (time, sender, body) occurred before in this file, so two identical
 * "lol" in the same second stay two messages and a re-import maps onto the same ids.
 */
export class Collector {
  readonly messages: ImportedMessage[] = [];
  readonly issues: ParseIssue[] = [];
  private seen = new Map<string, number>();
  constructor(readonly format: LogFormat, readonly path: string) {}

  issue(line: number, message: string): void {
    this.issues.push({ path: this.path, line, message });
  }

  add(m: Omit<ImportedMessage, 'sourceId' | 'format' | 'path'>): ImportedMessage {
    const key = `${m.protocol}\u0000${m.account}\u0000${m.conversation.kind}\u0000${m.conversation.address}\u0000${m.time}\u0000${m.sender}\u0000${m.kind}\u0000${m.body}`;
    const digest = createHash('sha256').update(key).digest('hex');
    const n = this.seen.get(digest) ?? 0;
    this.seen.set(digest, n + 1);
    const id = n === 0 ? digest : createHash('sha256').update(`${digest}\u0000${n}`).digest('hex');
    const msg: ImportedMessage = {
      format: this.format, path: this.path, line: m.line, protocol: m.protocol, account: m.account, conversation: m.conversation,
      sender: m.sender, body: m.body, kind: m.kind, direction: m.direction, time: m.time, sourceId: 'import:' + id.slice(0, 32),
    };
    this.messages.push(msg);
    return msg;
  }
}

/** lines a parser handles between two yields (~20–30 ms of work) */
export const SLICE_LINES = 2000;

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
