/**
 * WeeChat logger files (default mask "$plugin.$name.weechatlog", e.g. irc.libera.#weechat.weechatlog;
 * time_format "%Y-%m-%d %H:%M:%S"). Each line: TIME \t PREFIX \t MESSAGE.
 * PREFIX: a nick (with its mode char, e.g. "@alice"), " *" for /me (MESSAGE = "nick text"),
 * "-->" / "<--" joins and parts, "--" network messages (incl. "Notice(nick): text"), "=!=" errors;
 * "****  Beginning of log  ****" marker lines have no third field.
 */
import { basename } from 'node:path';
import { drain } from '../steps';
import type { ImportedKind, ParseOptions, ParseResult } from './types';
import { Collector, isRoomName, parentName, splitLines, wallClock, SLICE_LINES } from './util';

const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function names(path: string): { protocol: string; account: string; target: string } {
  const base = basename(path).replace(/\.weechatlog$/i, '');
  const parts = base.split('.');
  if (parts.length >= 3) {
    // irc.<server>.<target…>; a target may itself contain dots
    return { protocol: parts[0]!, account: parts[1]!, target: parts.slice(2).join('.') };
  }
  if (parts.length === 2) return { protocol: parts[0]!, account: parts[1]!, target: parts[1]! };
  return { protocol: 'irc', account: parentName(path), target: base };
}

/** parseWeechat in slices: yields every SLICE_LINES lines so a job can give the event loop a turn */
export function* parseWeechatSteps(text: string, path: string, opts?: ParseOptions): Generator<void, ParseResult> {
  const c = new Collector('weechat', path);
  const lines = splitLines(text);
  const n = names(path);
  const protocol = n.protocol === 'xfer' ? 'irc' : n.protocol;
  const conv = { kind: isRoomName(n.target) ? 'room' as const : 'direct' as const, address: n.target };
  for (let i = 0; i < lines.length; i++) {
    if (i % SLICE_LINES === 0 && i > 0) yield;
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const t1 = line.indexOf('\t');
    const tm = t1 > 0 ? TIME.exec(line.slice(0, t1)) : null;
    if (!tm) { c.issue(i + 1, 'not a WeeChat log line (no "YYYY-MM-DD HH:MM:SS<tab>"): skipped'); continue; }
    const rest = line.slice(t1 + 1);
    const t2 = rest.indexOf('\t');
    if (t2 < 0) {
      if (/^\*{4}/.test(rest)) continue; // "****  Beginning of log  ****"
      c.issue(i + 1, 'WeeChat line without prefix/message fields: skipped');
      continue;
    }
    const prefix = rest.slice(0, t2);
    const msg = rest.slice(t2 + 1);
    const time = wallClock(+tm[1]!, +tm[2]! - 1, +tm[3]!, +tm[4]!, +tm[5]!, +tm[6]!, opts);
    let sender = '', body = msg, kind: ImportedKind = 'system';
    let e: RegExpExecArray | null;
    const p = prefix.trim();
    if (p === '*') {
      e = /^(\S+) ?(.*)$/.exec(msg);
      sender = e?.[1] ?? ''; body = e?.[2] ?? msg; kind = 'action';
    } else if (p === '--' && (e = /^Notice\(([^)]+)\)(?: -> \S+)?: ?(.*)$/.exec(msg))) {
      sender = e[1]!; body = e[2]!; kind = 'notice';
    } else if (p === '' || /^(?:-->|<--|--|=!=|\*\*\*)$/.test(p)) {
      kind = 'system';
    } else {
      sender = p.replace(/^[@+%~&!]/, ''); kind = 'chat';
    }
    c.add({ line: i + 1, protocol, account: n.account, conversation: conv, sender, body, kind, direction: 'in', time });
  }
  return { format: 'weechat', messages: c.messages, issues: c.issues, lines: lines.length };
}

export function parseWeechat(text: string, path: string, opts?: ParseOptions): ParseResult {
  return drain(parseWeechatSteps(text, path, opts));
}
