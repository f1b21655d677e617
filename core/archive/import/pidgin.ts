/**
 * Pidgin / libpurple logs (libpurple/log.c: txt_logger_write, html_logger_write).
 *
 * Layout: logs/<prpl>/<account>/<buddy or room.chat>/<YYYY-MM-DD.HHMMSS+ZZZZTZ>.{txt,html}
 * Header:  "Conversation with NAME at DATE on ACCOUNT (PRPL)" (TXT first line, HTML <title>/<h3>)
 * TXT entries: "(TIME) FROM: TEXT", "(TIME) ***FROM TEXT" (/me), "(TIME) FROM <AUTO-REPLY>: TEXT",
 *              "(TIME) TEXT" (system/error); lines without "(TIME)" continue the previous message.
 * HTML entries: one line each, the time in <font size="2"> (or <span style="font-size: smaller">),
 *              the sender in <b>…:</b>; colour #16569E = sent, #A82F2F = received; system = <b> text</b>.
 * TIME is "%X" (same day as the log start) or a full date; the file name carries the start date
 * and its UTC offset, which is used for every entry.
 */
import { basename, dirname } from 'node:path';
import { drain } from '../steps';
import type { ImportedKind, ParseOptions, ParseResult } from './types';
import { Collector, decodeEntities, htmlToText, isRoomName, nextDay, splitLines, wallClock, type Ymd, SLICE_LINES } from './util';

const HEADER = /^Conversation with (.+?) at (.+) on (.+?) \(([^()]+)\)\s*$/;
const FILE_DATE = /^(\d{4})-(\d{2})-(\d{2})\.(\d{2})(\d{2})(\d{2})(?:([+-])(\d{2})(\d{2}))?/;

/** system lines that contain ": " and would otherwise look like "sender: text" */
const SYSTEM_LIKE = [
  /^The topic for .+ is: /, /^.+ has (?:set|changed) the topic to: /, /^.+ changed the topic of .+ to: /,
  /^mode \(/, /^Topic: /, /^.+ (?:has )?(?:left|entered|joined) the room/, /^\(?Error\)?: /,
  /^Unable to send message/, /^.+ has signed (?:on|off)/, /^.+ is now known as /,
];

interface Ctx {
  c: Collector;
  protocol: string;
  account: string;
  conv: { kind: 'direct' | 'room'; address: string };
  start: Ymd & { h: number; mi: number; s: number };
  offset: number | undefined;
  opts?: ParseOptions;
  day: Ymd;
  lastSecs: number;
}

function normProtocol(p: string): string {
  const l = p.trim().toLowerCase();
  return l === 'jabber' || l === 'xmpp' || l === 'google talk' ? 'xmpp' : l;
}

function header(line: string): { name: string; account: string; protocol: string } | null {
  const m = HEADER.exec(line);
  if (!m) return null;
  const protocol = normProtocol(m[4]!);
  // XMPP accounts are written with their resource ("alice@example.com/Home"); the account is the bare JID
  const account = protocol === 'xmpp' ? m[3]!.replace(/\/.*$/, '') : m[3]!;
  return { name: m[1]!, account, protocol };
}

function setup(c: Collector, path: string, h: { name: string; account: string; protocol: string }, opts?: ParseOptions): Ctx | null {
  const fm = FILE_DATE.exec(basename(path));
  const dir = basename(dirname(path));
  const room = dir.endsWith('.chat') || isRoomName(h.name);
  const conv = { kind: room ? 'room' as const : 'direct' as const, address: h.name };
  let start: Ctx['start'];
  let offset: number | undefined;
  if (fm) {
    start = { y: +fm[1]!, mo: +fm[2]! - 1, d: +fm[3]!, h: +fm[4]!, mi: +fm[5]!, s: +fm[6]! };
    if (fm[7]) offset = (fm[7] === '-' ? -1 : 1) * (+fm[8]! * 60 + +fm[9]!);
  } else {
    c.issue(0, 'file name does not carry the log date (YYYY-MM-DD.HHMMSS…): entries cannot be dated');
    return null;
  }
  return {
    c, protocol: h.protocol, account: h.account, conv, start, offset, opts,
    day: { y: start.y, mo: start.mo, d: start.d }, lastSecs: start.h * 3600 + start.mi * 60 + start.s,
  };
}

/** "(22:10:41)", "(10:10:41 PM)", "(11/28/2026 22:10:41)", "(2026-11-28 22:10:41)", "(28.11.2026 22:10:41)" */
function entryTime(ctx: Ctx, stamp: string): number | null {
  const m = /^(?:(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/.exec(stamp.trim());
  if (!m) return null;
  let h = +m[4]!;
  const mi = +m[5]!, s = +(m[6] ?? 0);
  if (m[7]) {
    const pm = /p/i.test(m[7]);
    if (h === 12) h = pm ? 12 : 0; else if (pm) h += 12;
  }
  if (h > 23 || mi > 59 || s > 60) return null;
  const secs = h * 3600 + mi * 60 + s;
  if (m[1]) {
    const a = +m[1]!, b = +m[2]!, cc = +m[3]!;
    let y: number, mo: number, d: number;
    if (m[1].length === 4) { y = a; mo = b; d = cc; } // ISO
    else if (stamp.includes('.')) { d = a; mo = b; y = cc; } // German style
    else { mo = a; d = b; y = cc; } // US %x
    if (y < 100) y += 2000;
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    ctx.day = { y, mo: mo - 1, d };
  } else if (secs < ctx.lastSecs) {
    ctx.day = nextDay(ctx.day); // midnight passed within a log that shows times only
  }
  ctx.lastSecs = secs;
  return wallClock(ctx.day.y, ctx.day.mo, ctx.day.d, h, mi, s, ctx.opts, ctx.offset);
}

interface Pending { line: number; time: number; sender: string; body: string; kind: ImportedKind; direction: 'in' | 'out' }

function flush(ctx: Ctx, p: Pending | null): void {
  if (!p) return;
  ctx.c.add({
    line: p.line, protocol: ctx.protocol, account: ctx.account, conversation: ctx.conv,
    sender: p.sender, body: p.body.replace(/\n+$/, ''), kind: p.kind, direction: p.direction, time: p.time,
  });
}

function classifyText(rest: string): { sender: string; body: string; kind: ImportedKind } {
  let m = /^\*\*\*(\S+) ?([\s\S]*)$/.exec(rest);
  if (m) return { sender: m[1]!, body: m[2]!, kind: 'action' };
  m = /^(.+?) <AUTO-REPLY>: ([\s\S]*)$/.exec(rest);
  if (m) return { sender: m[1]!, body: m[2]!, kind: 'chat' };
  if (SYSTEM_LIKE.some((re) => re.test(rest))) return { sender: '', body: rest, kind: 'system' };
  m = /^([^:\n]{1,80}?):(?: ([\s\S]*))?$/.exec(rest);
  if (m) return { sender: m[1]!, body: m[2] ?? '', kind: 'chat' };
  return { sender: '', body: rest, kind: 'system' };
}

/** parsePidginTxt in slices: yields every SLICE_LINES lines so a job can give the event loop a turn */
export function* parsePidginTxtSteps(text: string, path: string, opts?: ParseOptions): Generator<void, ParseResult> {
  const c = new Collector('pidgin-txt', path);
  const lines = splitLines(text);
  const first = lines[0] ?? '';
  if (/^System log for account /.test(first)) {
    c.issue(1, 'Pidgin system log (sign-on/off events), not a conversation: skipped');
    return { format: 'pidgin-txt', messages: [], issues: c.issues, lines: lines.length };
  }
  const h = header(first);
  if (!h) {
    c.issue(1, 'not a Pidgin log: the first line is not "Conversation with … at … on … (…)"');
    return { format: 'pidgin-txt', messages: [], issues: c.issues, lines: lines.length };
  }
  const ctx = setup(c, path, h, opts);
  if (!ctx) return { format: 'pidgin-txt', messages: [], issues: c.issues, lines: lines.length };
  let cur: Pending | null = null;
  let skipping = false;
  for (let i = 1; i < lines.length; i++) {
    if (i % SLICE_LINES === 0 && i > 1) yield;
    const line = lines[i]!;
    const m = /^\(([^()]{4,40})\) ?(.*)$/.exec(line);
    const time = m ? entryTime(ctx, m[1]!) : null;
    if (m && time === null) {
      flush(ctx, cur); cur = null; skipping = true;
      c.issue(i + 1, `unreadable time "(${m[1]})": line skipped`);
      continue;
    }
    if (!m || time === null) {
      if (cur) cur.body += '\n' + line;
      else if (!skipping && line.trim() !== '') c.issue(i + 1, 'text before the first timed entry: skipped');
      continue;
    }
    flush(ctx, cur);
    skipping = false;
    const k = classifyText(m[2]!);
    cur = { line: i + 1, time, ...k, direction: 'in' };
  }
  flush(ctx, cur);
  return { format: 'pidgin-txt', messages: c.messages, issues: c.issues, lines: lines.length };
}

export function parsePidginTxt(text: string, path: string, opts?: ParseOptions): ParseResult {
  return drain(parsePidginTxtSteps(text, path, opts));
}

const TIME_WRAP = /^((?:<(?:font|span)\b[^>]*>)*)\(([^()<>]{4,40})\)(?:<\/font>|<\/span>)(.*)$/i;

/** parsePidginHtml in slices: yields every SLICE_LINES lines so a job can give the event loop a turn */
export function* parsePidginHtmlSteps(text: string, path: string, opts?: ParseOptions): Generator<void, ParseResult> {
  const c = new Collector('pidgin-html', path);
  const lines = splitLines(text);
  const hm = /<title>([^<]*)<\/title>|<h3>([^<]*)<\/h3>/i.exec(text.slice(0, 4000));
  const h = hm ? header(decodeEntities((hm[1] ?? hm[2] ?? "").trim())) : null;
  if (!h) {
    c.issue(1, 'not a Pidgin HTML log: no "Conversation with … at … on … (…)" title');
    return { format: 'pidgin-html', messages: [], issues: c.issues, lines: lines.length };
  }
  const ctx = setup(c, path, h, opts);
  if (!ctx) return { format: 'pidgin-html', messages: [], issues: c.issues, lines: lines.length };
  let cur: Pending | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (i % SLICE_LINES === 0 && i > 0) yield;
    const line = lines[i]!;
    if (/<h3>|<title>|^\s*<\/body>|^\s*<\/html>|^\s*$/i.test(line) && !TIME_WRAP.test(line)) continue;
    const m = TIME_WRAP.exec(line);
    if (!m) {
      if (cur) cur.body += '\n' + htmlToText(line.replace(/<br\s*\/?>\s*$/i, ''));
      else c.issue(i + 1, 'line is not a Pidgin log entry: skipped');
      continue;
    }
    const time = entryTime(ctx, m[2]!);
    if (time === null) {
      flush(ctx, cur); cur = null;
      c.issue(i + 1, `unreadable time "(${m[2]})": line skipped`);
      continue;
    }
    flush(ctx, cur);
    const colour = /#([0-9a-f]{6})/i.exec(m[1]!)?.[1]?.toUpperCase();
    const direction: 'in' | 'out' = colour === '16569E' ? 'out' : 'in';
    const rest = m[3]!.replace(/<br\s*\/?>\s*$/i, '');
    let p: Pending;
    const sys = /^<b>\s?([\s\S]*)<\/b>(?:<\/font>|<\/span>)*$/i.exec(rest);
    const who = /^\s?<b>([\s\S]*?)<\/b>(?:<\/font>|<\/span>)*\s?([\s\S]*)$/i.exec(rest);
    if (sys && !/<\/b>(?:<\/font>|<\/span>)*\s\S/i.test(rest)) {
      p = { line: i + 1, time, sender: '', body: htmlToText(sys[1]!), kind: 'system', direction: 'in' };
    } else if (who) {
      const label = htmlToText(who[1]!).trim();
      const body = htmlToText(who[2]!);
      if (label.startsWith('***')) p = { line: i + 1, time, sender: label.slice(3), body, kind: 'action', direction };
      else p = { line: i + 1, time, sender: label.replace(/\s*<AUTO-REPLY>:$/, '').replace(/:$/, ''), body, kind: 'chat', direction };
    } else {
      p = { line: i + 1, time, sender: '', body: htmlToText(rest).trim(), kind: 'system', direction: 'in' };
    }
    cur = p;
  }
  flush(ctx, cur);
  return { format: 'pidgin-html', messages: c.messages, issues: c.issues, lines: lines.length };
}

export function parsePidginHtml(text: string, path: string, opts?: ParseOptions): ParseResult {
  return drain(parsePidginHtmlSteps(text, path, opts));
}
