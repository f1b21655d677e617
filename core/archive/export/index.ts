/**
 * Export to a folder (transcript.html, transcript.txt, messages.jsonl, manifest.json) and
 * `verify` of such a folder. Pure over ExportMessage lists + the file system of the target folder.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, GENESIS, linkHash, sha256 } from './chain';
import { htmlLines, renderHtml, renderText, textLines } from './render';
import { drain } from '../steps';
import type { ExportFormat, ExportMessage, Manifest } from './types';

export * from './types';
export { canonicalJson, GENESIS, linkHash, sha256 } from './chain';
export { escapeHtml, renderHtml, renderText } from './render';

export const FILES = { html: 'transcript.html', txt: 'transcript.txt', jsonl: 'messages.jsonl', manifest: 'manifest.json' } as const;

/** the lines of messages.jsonl (each link of the hash chain); returns the chain head */
export function* chainLineGen(messages: ExportMessage[]): Generator<string, string> {
  let prev = GENESIS;
  for (const [i, message] of messages.entries()) {
    const seq = i + 1;
    const hash = linkHash(prev, seq, message);
    yield canonicalJson({ seq, prev, hash, message });
    prev = hash;
  }
  return prev;
}

export interface WriteExportOptions {
  title: string;
  selection: Record<string, unknown>;
  formats?: ExportFormat[];
  /** ISO time; default now */
  createdAt?: string;
}

/** lines written between two yields of writeExportSteps */
const LINES_PER_STEP = 2000;

/**
 * Writes the export into `dir` (created; must be empty or absent), file by file in chunks of lines,
 * yielding after each chunk (the engine gives its event loop a turn there); returns the manifest.
 * The bytes are the same as the renderers' whole-string output, so `verify` can re-render them.
 */
export function* writeExportSteps(dir: string, messages: ExportMessage[], opts: WriteExportOptions): Generator<void, Manifest> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`export folder ${dir} is not empty`);
  mkdirSync(dir, { recursive: true });
  const createdAt = opts.createdAt ?? new Date().toISOString();
  const formats: ExportFormat[] = [...new Set<ExportFormat>(['jsonl', ...(opts.formats ?? ['html', 'txt'])])];
  let chainHead = GENESIS;
  const chain = function* () {
    chainHead = yield* chainLineGen(messages);
  };
  const sources: [string, Iterable<string>][] = [];
  if (formats.includes('html')) sources.push([FILES.html, htmlLines(messages, opts.title, createdAt)]);
  if (formats.includes('txt')) sources.push([FILES.txt, textLines(messages, opts.title, createdAt)]);
  sources.push([FILES.jsonl, chain()]);
  const files: Manifest['files'] = [];
  for (const [name, lines] of sources) {
    const fd = openSync(join(dir, name), 'wx', 0o600);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      let chunk: string[] = [];
      const flush = () => {
        const buf = Buffer.from(chunk.length ? chunk.join('\n') + '\n' : '', 'utf8');
        writeSync(fd, buf);
        hash.update(buf);
        bytes += buf.length;
        chunk = [];
      };
      for (const line of lines) {
        chunk.push(line);
        if (chunk.length >= LINES_PER_STEP) {
          flush();
          yield;
        }
      }
      flush();
    } finally {
      closeSync(fd);
    }
    files.push({ name, sha256: hash.digest('hex'), bytes });
  }
  const manifest: Manifest = {
    format: 'confab-export', version: 1, createdAt, title: opts.title, selection: opts.selection,
    count: messages.length, chainHead, formats, files,
  };
  writeFileSync(join(dir, FILES.manifest), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  return manifest;
}

/** Writes the export into `dir` (created; must be empty or absent) at once and returns its manifest. */
export function writeExport(dir: string, messages: ExportMessage[], opts: WriteExportOptions): Manifest {
  return drain(writeExportSteps(dir, messages, opts));
}

export interface VerifyProblem {
  file: string;
  /** 1-based line in `file`, when known */
  line?: number;
  /** chain position of the message concerned, when known */
  seq?: number;
  kind: 'missing-file' | 'file-changed' | 'edited' | 'deleted' | 'reordered' | 'inserted' | 'truncated' | 'malformed' | 'manifest';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  count: number;
  chainHead: string | null;
  problems: VerifyProblem[];
}

/** Checks an export folder: manifest, every file's SHA-256, the hash chain; says where it broke. */
export function verifyExport(dir: string): VerifyReport {
  const problems: VerifyProblem[] = [];
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, FILES.manifest), 'utf8')) as Manifest;
    if (manifest.format !== 'confab-export' || !Array.isArray(manifest.files)) throw new Error('not a Confab export manifest');
  } catch (err) {
    return { ok: false, count: 0, chainHead: null, problems: [{ file: FILES.manifest, kind: 'manifest', message: `manifest unreadable: ${(err as Error).message}` }] };
  }
  const changed = new Set<string>();
  for (const f of manifest.files) {
    const p = join(dir, f.name);
    if (!existsSync(p)) { problems.push({ file: f.name, kind: 'missing-file', message: `${f.name} is missing` }); changed.add(f.name); continue; }
    const actual = sha256(readFileSync(p));
    if (actual !== f.sha256) { changed.add(f.name); }
  }

  // the chain
  const messages: ExportMessage[] = [];
  let chainOk = true;
  if (existsSync(join(dir, FILES.jsonl))) {
    const lines = readFileSync(join(dir, FILES.jsonl), 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const report = (p: Omit<VerifyProblem, 'file'>) => { chainOk = false; problems.push({ file: FILES.jsonl, ...p }); };
    type Rec = { seq: number; prev: string; hash: string; message: ExportMessage; line: number };
    const recs: Rec[] = [];
    for (let i = 0; i < lines.length; i++) {
      const ln = i + 1;
      try {
        const rec = JSON.parse(lines[i]!) as Rec;
        if (!Number.isInteger(rec.seq) || typeof rec.hash !== 'string' || typeof rec.prev !== 'string' || typeof rec.message !== 'object' || rec.message === null) throw new Error('fields missing');
        recs.push({ ...rec, line: ln });
      } catch (err) {
        report({ line: ln, kind: 'malformed', message: `line ${ln} is not a chain record (${(err as Error).message})` });
      }
    }
    const present = new Set(recs.map((r) => r.seq));
    const seen = new Set<number>();
    let maxSeq = 0;
    let prev: Rec | null = null;
    for (const rec of recs) {
      const own = linkHash(rec.prev, rec.seq, rec.message);
      if (own !== rec.hash) {
        report({ line: rec.line, seq: rec.seq, kind: 'edited', message: `message ${rec.seq} (line ${rec.line}, id ${rec.message.id ?? '?'}) was edited: its content no longer matches its hash` });
      }
      if (seen.has(rec.seq)) {
        report({ line: rec.line, seq: rec.seq, kind: 'inserted', message: `message ${rec.seq} appears again at line ${rec.line}: a copy was inserted` });
      } else if (rec.seq < maxSeq) {
        report({ line: rec.line, seq: rec.seq, kind: 'reordered', message: `message ${rec.seq} at line ${rec.line} is out of order: it comes after message ${maxSeq}` });
      } else {
        for (let s = maxSeq + 1; s < rec.seq; s++) {
          if (present.has(s)) continue;
          let to = s;
          while (to + 1 < rec.seq && !present.has(to + 1)) to++;
          report({ line: rec.line, seq: s, kind: 'deleted', message: `${to === s ? `message ${s} was` : `messages ${s}–${to} were`} deleted (before line ${rec.line})` });
          s = to;
        }
        if (prev && prev.seq === rec.seq - 1 && own === rec.hash && rec.prev !== prev.hash) {
          report({ line: rec.line, seq: rec.seq, kind: 'inserted', message: `line ${rec.line} does not link to line ${prev.line}: the chain was rewritten here` });
        }
      }
      seen.add(rec.seq);
      maxSeq = Math.max(maxSeq, rec.seq);
      prev = rec;
    }
    for (const rec of [...recs].sort((a, b) => a.seq - b.seq)) messages.push(rec.message);
    if (maxSeq < manifest.count) {
      report({ kind: 'deleted', seq: maxSeq + 1, message: `${manifest.count - maxSeq === 1 ? `message ${manifest.count} was` : `messages ${maxSeq + 1}–${manifest.count} were`} deleted at the end (the manifest lists ${manifest.count})` });
    } else if (maxSeq > manifest.count) {
      report({ kind: 'inserted', message: `messages.jsonl holds ${maxSeq} messages, the manifest lists ${manifest.count}: messages were appended` });
    } else if (chainOk) {
      const last = recs.find((r) => r.seq === maxSeq);
      if ((last?.hash ?? GENESIS) !== manifest.chainHead) report({ kind: 'inserted', message: 'the last hash differs from the manifest\'s chain head: the chain was rewritten' });
    }
  }
  if (changed.has(FILES.jsonl) && chainOk) {
    problems.push({ file: FILES.jsonl, kind: 'file-changed', message: 'messages.jsonl differs from its SHA-256 in the manifest' });
  }

  // transcripts: always re-rendered from the chain (so a transcript edited together with its SHA-256
  // in the manifest is caught too); the first differing line is named
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const [fmt, name] of [['html', FILES.html], ['txt', FILES.txt]] as const) {
    if (!listed.has(name) || !existsSync(join(dir, name))) continue;
    const raw = readFileSync(join(dir, name), 'utf8');
    const rendered = (fmt === 'html' ? renderHtml : renderText)(messages, manifest.title, manifest.createdAt);
    if (raw === rendered && !changed.has(name)) continue;
    if (raw === rendered && !chainOk) continue;
    const have = raw.split('\n');
    const want = rendered.split('\n');
    let at = 0;
    while (at < Math.max(have.length, want.length) && have[at] === want[at]) at++;
    let detail = '';
    if (chainOk) {
      const idm = /id="m(\d+)"/.exec(want[at] ?? '') ?? /id="m(\d+)"/.exec(have[at] ?? '');
      detail = idm ? ` (message id ${idm[1]})` : '';
      if (!detail && fmt === 'txt') {
        const ts = /^\[([^\]]+)\]/.exec(want[at] ?? have[at] ?? '')?.[1];
        if (ts) detail = ` (the message of ${ts})`;
      }
    }
    const rewritten = !changed.has(name) ? ', and its SHA-256 in the manifest was rewritten to match' : '';
    if (raw === rendered) {
      problems.push({ file: name, kind: 'file-changed', message: `${name} differs from its SHA-256 in the manifest (the manifest was edited)` });
      continue;
    }
    problems.push({ file: name, line: at + 1, kind: 'file-changed', message: `${name} was changed at line ${at + 1}${detail}${rewritten}` + (chainOk ? '' : ' (the chain itself is broken, see above)') });
  }
  return { ok: problems.length === 0, count: messages.length, chainHead: manifest.chainHead, problems };
}
