/**
 * Log import: format detection and the parsers. Pure (text in, records out) except readLogFile /
 * listLogFiles, which read the disk.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { drain } from '../steps';
import { parseHexchat, parseHexchatSteps } from './hexchat';
import { parseIrssi, parseIrssiSteps } from './irssi';
import { parsePidginHtml, parsePidginHtmlSteps, parsePidginTxt, parsePidginTxtSteps } from './pidgin';
import type { LogFormat, ParseOptions, ParseResult, Parser } from './types';
import { parseWeechat, parseWeechatSteps } from './weechat';

export * from './types';
export { parseHexchat, parseIrssi, parsePidginHtml, parsePidginTxt, parseWeechat };

export const PARSERS: Record<LogFormat, Parser> = {
  'pidgin-txt': parsePidginTxt,
  'pidgin-html': parsePidginHtml,
  irssi: parseIrssi,
  weechat: parseWeechat,
  hexchat: parseHexchat,
};

type ParserSteps = (text: string, path: string, opts?: ParseOptions) => Generator<void, ParseResult>;

const PARSER_STEPS: Record<LogFormat, ParserSteps> = {
  'pidgin-txt': parsePidginTxtSteps,
  'pidgin-html': parsePidginHtmlSteps,
  irssi: parseIrssiSteps,
  weechat: parseWeechatSteps,
  hexchat: parseHexchatSteps,
};

/** Detects the format from the file's first lines (the file name only breaks ties). */
export function detectFormat(text: string, path = ''): LogFormat | null {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (/^\s*<(?:!doctype\s+)?html|<title>Conversation with /i.test(head) && /Conversation with /.test(head)) return 'pidgin-html';
  if (/^(?:Conversation with .+ at .+ on .+ \(.+\)|System log for account )/.test(first)) return 'pidgin-txt';
  if (/^--- Log opened /.test(first)) return 'irssi';
  if (/^\*\*\*\* BEGIN LOGGING AT /.test(first)) return 'hexchat';
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\t/.test(first)) return 'weechat';
  if (/\.weechatlog$/i.test(path)) return 'weechat';
  if (/^\d{2}:\d{2} (?:<|-!-| \* )/.test(first)) return 'irssi';
  if (/^\w{3} +\d{1,2} \d{2}:\d{2}:\d{2} /.test(first)) return 'hexchat';
  return null;
}

/** Decodes UTF-8, falling back to Latin-1 for old logs that are not valid UTF-8. */
export function decodeLog(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return buf.toString('latin1');
  }
}

/** parseLog in slices of lines (a large log file does not block the engine for seconds) */
export function* parseLogSteps(text: string, path: string, opts?: ParseOptions & { format?: LogFormat }): Generator<void, ParseResult> {
  const format = opts?.format ?? detectFormat(text, path);
  if (!format) {
    return { format: null, messages: [], issues: [{ path, line: 0, message: 'format not recognised (expected Pidgin, irssi, WeeChat or HexChat logs): file skipped' }], lines: 0 };
  }
  return yield* PARSER_STEPS[format](text, path, opts);
}

export function parseLog(text: string, path: string, opts?: ParseOptions & { format?: LogFormat }): ParseResult {
  return drain(parseLogSteps(text, path, opts));
}

export function* readLogFileSteps(path: string, opts?: ParseOptions & { format?: LogFormat }): Generator<void, ParseResult> {
  return yield* parseLogSteps(decodeLog(readFileSync(path)), path, opts);
}

export function readLogFile(path: string, opts?: ParseOptions & { format?: LogFormat }): ParseResult {
  return drain(readLogFileSteps(path, opts));
}

const LOG_EXT = /\.(?:txt|html?|log|weechatlog)$/i;

/** Files to import under the given paths (folders are walked; hidden entries skipped), sorted. */
/**
 * The log files under `paths` (folders walked, sorted). Symbolic links inside walked folders are
 * not followed (no loops); paths given explicitly are. More than `maxFiles` candidate files (e.g.
 * a whole home folder given by mistake) is refused before anything is read.
 */
export function listLogFiles(paths: string[], opts: { maxFiles?: number } = {}): string[] {
  const out: string[] = [];
  const max = opts.maxFiles ?? Number.POSITIVE_INFINITY;
  const walk = (p: string, explicit: boolean) => {
    const st = explicit ? statSync(p) : lstatSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith('.')) walk(join(p, e), false);
    } else if (st.isFile() && (explicit || LOG_EXT.test(p))) {
      out.push(p);
      if (out.length > max) throw new TooManyFilesError(max);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

export class TooManyFilesError extends Error {
  constructor(readonly max: number) {
    super(`more than ${max} log files under the given paths: choose the log folders themselves`);
    this.name = 'TooManyFilesError';
  }
}
