/**
 * HexChat text logs (default logmask "%n/%c.log", stamp_log_format "%b %d %H:%M:%S ").
 *   **** BEGIN LOGGING AT Sat Nov 28 22:10:41 2026
 *   Nov 28 22:10:41 <alice>\thello          Nov 28 22:10:45 *\talice waves
 *   Nov 28 22:10:50 -->\tbob (~b@host) has joined #chan     Nov 28 22:11:00 -bob-\ta notice
 *   **** ENDING LOGGING AT Sat Nov 28 23:00:00 2026
 * The stamp has no year: it comes from the BEGIN LOGGING line (and rolls over at New Year).
 */
import { drain } from '../steps';
import type { ImportedKind, ParseOptions, ParseResult } from './types';
import { Collector, isRoomName, monthIndex, parentName, splitLines, stem, wallClock, SLICE_LINES } from './util';

const BEGIN = /^\*\*\*\* (BEGIN|ENDING) LOGGING AT \w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\s*$/;
const ENTRY = /^(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (.*)$/;
const SYSTEM_ACTION = /^\S+ (?:\([^)]*\) )?(?:has (?:joined|left|quit)|is now known as|sets mode|has changed the topic|has kicked|gives|removes|sets ban|removes ban)/;

/** parseHexchat in slices: yields every SLICE_LINES lines so a job can give the event loop a turn */
export function* parseHexchatSteps(text: string, path: string, opts?: ParseOptions): Generator<void, ParseResult> {
  const c = new Collector('hexchat', path);
  const lines = splitLines(text);
  const target = stem(path, /\.(?:log|txt)$/i);
  const network = parentName(path);
  const conv = { kind: isRoomName(target) ? 'room' as const : 'direct' as const, address: target };
  let year: number | null = null;
  let lastMonth = -1;
  for (let i = 0; i < lines.length; i++) {
    if (i % SLICE_LINES === 0 && i > 0) yield;
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let m = BEGIN.exec(line);
    if (m) {
      if (m[1] === 'BEGIN') { year = +m[7]!; lastMonth = monthIndex(m[2]!) ?? -1; }
      continue;
    }
    m = ENTRY.exec(line);
    const mo = m ? monthIndex(m[1]!) : undefined;
    if (!m || mo === undefined) { c.issue(i + 1, 'not a HexChat log line (no "Mon DD HH:MM:SS" stamp): skipped'); continue; }
    if (year === null) { c.issue(i + 1, 'entry before any "**** BEGIN LOGGING AT" line: its year is unknown, skipped'); continue; }
    if (lastMonth >= 0 && mo < lastMonth) year += 1; // Dec → Jan
    lastMonth = mo;
    const time = wallClock(year, mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!, opts);
    const rest = m[6]!;
    const tab = rest.indexOf('\t');
    const prefix = tab >= 0 ? rest.slice(0, tab) : '';
    const msg = tab >= 0 ? rest.slice(tab + 1) : rest;
    let sender = '', body = msg, kind: ImportedKind = 'system', direction: 'in' | 'out' = 'in';
    let e: RegExpExecArray | null;
    if ((e = /^<[@+%~&!]?([^>]+)>$/.exec(prefix))) { sender = e[1]!; kind = 'chat'; }
    else if (prefix === '*' || prefix === '\u2022') {
      if (SYSTEM_ACTION.test(msg)) kind = 'system';
      else { e = /^(\S+) ?(.*)$/.exec(msg); sender = e?.[1] ?? ''; body = e?.[2] ?? msg; kind = 'action'; }
    } else if ((e = /^-([^-\s][^\s]*)-$/.exec(prefix))) { sender = e[1]!; kind = 'notice'; }
    else if ((e = /^>([^<\s]+)<$/.exec(prefix))) { sender = e[1]!; kind = 'notice'; direction = 'out'; }
    else if ((e = /^=([^=\s]+)=$/.exec(prefix))) { sender = e[1]!; kind = 'chat'; }
    else if (tab < 0) { c.issue(i + 1, 'HexChat line without the tab after its prefix: skipped'); continue; }
    c.add({ line: i + 1, protocol: 'irc', account: network, conversation: conv, sender, body, kind, direction, time });
  }
  return { format: 'hexchat', messages: c.messages, issues: c.issues, lines: lines.length };
}

export function parseHexchat(text: string, path: string, opts?: ParseOptions): ParseResult {
  return drain(parseHexchatSteps(text, path, opts));
}
