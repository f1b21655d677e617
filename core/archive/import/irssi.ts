/**
 * irssi text logs (default autolog_path "~/irclogs/$tag/$0.log", log_timestamp "%H:%M ").
 *   --- Log opened Sat Nov 28 22:10:41 2026      --- Day changed Sun Nov 29 2026
 *   22:10 < alice> hello          22:10 <@op> hi              22:10  * alice waves
 *   22:10 -!- bob [~b@host] has joined #chan    22:10 -alice(~a@host)- a notice
 * Dates come from "Log opened" / "Day changed"; the network tag from the parent folder.
 */
import { drain } from '../steps';
import type { ImportedKind, ParseOptions, ParseResult } from './types';
import { Collector, isRoomName, monthIndex, parentName, splitLines, stem, wallClock, type Ymd, SLICE_LINES } from './util';

const OPENED = /^--- Log (opened|closed) \w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\s*$/;
const DAY = /^--- Day changed \w{3} (\w{3}) +(\d{1,2}) (\d{4})\s*$/;
const ENTRY = /^(\d{2}):(\d{2})(?::(\d{2}))? (.*)$/;

/** parseIrssi in slices: yields every SLICE_LINES lines so a job can give the event loop a turn */
export function* parseIrssiSteps(text: string, path: string, opts?: ParseOptions): Generator<void, ParseResult> {
  const c = new Collector('irssi', path);
  const lines = splitLines(text);
  const target = stem(path, /\.log$/i);
  const network = parentName(path);
  const conv = { kind: isRoomName(target) ? 'room' as const : 'direct' as const, address: target };
  let day: Ymd | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (i % SLICE_LINES === 0 && i > 0) yield;
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let m = OPENED.exec(line);
    if (m) {
      const mo = monthIndex(m[2]!);
      if (mo === undefined) { c.issue(i + 1, 'unknown month name'); continue; }
      if (m[1] === 'opened') day = { y: +m[7]!, mo, d: +m[3]! };
      continue;
    }
    m = DAY.exec(line);
    if (m) {
      const mo = monthIndex(m[1]!);
      if (mo === undefined) { c.issue(i + 1, 'unknown month name'); continue; }
      day = { y: +m[3]!, mo, d: +m[2]! };
      continue;
    }
    if (line.startsWith('--- ')) continue; // other irssi log markers
    m = ENTRY.exec(line);
    if (!m) { c.issue(i + 1, 'not an irssi log line (no HH:MM timestamp): skipped'); continue; }
    if (!day) { c.issue(i + 1, 'entry before any "--- Log opened" line: its date is unknown, skipped'); continue; }
    const time = wallClock(day.y, day.mo, day.d, +m[1]!, +m[2]!, +(m[3] ?? 0), opts);
    const rest = m[4]!;
    let sender = '', body = rest, kind: ImportedKind = 'system';
    let e: RegExpExecArray | null;
    if ((e = /^<[ @+%~&!]?([^>\s][^>]*)> ?(.*)$/.exec(rest))) { sender = e[1]!.trim(); body = e[2]!; kind = 'chat'; }
    else if ((e = /^ \* (\S+) ?(.*)$/.exec(rest))) { sender = e[1]!; body = e[2]!; kind = 'action'; }
    else if ((e = /^-!- ?(.*)$/.exec(rest))) { body = e[1]!; kind = 'system'; }
    else if ((e = /^-([^\s(:-][^\s(:]*)(?:\([^)]*\))?(?::\S+)?- ?(.*)$/.exec(rest))) { sender = e[1]!; body = e[2]!; kind = 'notice'; }
    c.add({ line: i + 1, protocol: 'irc', account: network, conversation: conv, sender, body, kind, direction: 'in', time });
  }
  return { format: 'irssi', messages: c.messages, issues: c.issues, lines: lines.length };
}

export function parseIrssi(text: string, path: string, opts?: ParseOptions): ParseResult {
  return drain(parseIrssiSteps(text, path, opts));
}
