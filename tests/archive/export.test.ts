/**
 * Export folders and `verify`: every kind of tampering is detected and located. Pure file work on
 * temp folders (the CLI test covers the same through the real command).
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, FILES, linkHash, renderHtml, renderText, verifyExport, writeExport, writeExportSteps, type ExportMessage } from '../../core/archive/export/index';
import { tempDir } from '../harness/util';

const tmp = tempDir('archive-export');
afterAll(() => tmp.remove());

function msg(i: number, over: Partial<ExportMessage> = {}): ExportMessage {
  return {
    id: (1_700_000_000_000 + i * 60_000) * 1024, time: 1_700_000_000_000 + i * 60_000, protocol: 'irc', account: 'libera',
    conversation: '#confab', conversationKind: 'room', conversationTitle: null, sender: i % 2 ? 'alice' : 'bob', senderName: null,
    kind: 'chat', direction: 'in', body: `message number ${i}`, editedAt: null, retractedAt: null, source: null, ...over,
  };
}

let n = 0;
function fresh(count = 6, extra: ExportMessage[] = []): string {
  const dir = join(tmp.path, `e${n++}`);
  writeExport(dir, [...Array.from({ length: count }, (_, i) => msg(i + 1)), ...extra], { title: 'test export', selection: {}, createdAt: '2026-11-28T00:00:00.000Z' });
  return dir;
}
const lines = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').split('\n');
const put = (dir: string, f: string, l: string[]) => writeFileSync(join(dir, f), l.join('\n'));

describe('export + verify', () => {
  it('a large export is written in steps, byte for byte the whole-string rendering, and verifies', () => {
    const dir = join(tmp.path, 'big');
    const messages = Array.from({ length: 5_000 }, (_, i) => msg(i + 1, i % 1000 === 0 ? { body: 'two\nlines', kind: 'action' } : {}));
    const createdAt = '2026-11-28T00:00:00.000Z';
    const steps = writeExportSteps(dir, messages, { title: 'big', selection: {}, createdAt });
    let yields = 0;
    for (let r = steps.next(); !r.done; r = steps.next()) yields++;
    expect(yields).toBeGreaterThan(3);
    expect(readFileSync(join(dir, FILES.html), 'utf8')).toBe(renderHtml(messages, 'big', createdAt));
    expect(readFileSync(join(dir, FILES.txt), 'utf8')).toBe(renderText(messages, 'big', createdAt));
    expect(verifyExport(dir)).toMatchObject({ ok: true, count: 5_000, problems: [] });
  });

  it('an untouched export verifies, with its chain head', () => {
    const dir = fresh();
    const m = JSON.parse(readFileSync(join(dir, FILES.manifest), 'utf8'));
    expect(m.files.map((f: { name: string }) => f.name).sort()).toEqual([FILES.jsonl, FILES.html, FILES.txt].sort());
    const r = verifyExport(dir);
    expect(r).toMatchObject({ ok: true, count: 6, problems: [] });
    expect(r.chainHead).toBe(m.chainHead);
  });

  it('HTML escapes message text: a message never becomes markup', () => {
    const dir = fresh(1, [msg(9, { body: '<script>alert("x")</script> & <b>bold</b>', sender: '<img src=x onerror=alert(1)>' })]);
    const html = readFileSync(join(dir, FILES.html), 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(verifyExport(dir).ok).toBe(true);
  });

  it('an edited message body in messages.jsonl is found by line and message number', () => {
    const dir = fresh();
    const l = lines(dir, FILES.jsonl);
    l[2] = l[2]!.replace('message number 3', 'message number 333');
    put(dir, FILES.jsonl, l);
    const r = verifyExport(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ file: FILES.jsonl, kind: 'edited', line: 3, seq: 3 }));
  });

  it('an edit with a recomputed line hash is still caught at the next link', () => {
    const dir = fresh();
    const l = lines(dir, FILES.jsonl);
    const rec = JSON.parse(l[1]!);
    rec.message.body = 'forged';
    rec.hash = linkHash(rec.prev, rec.seq, rec.message);
    l[1] = canonicalJson(rec);
    put(dir, FILES.jsonl, l);
    const r = verifyExport(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'inserted', line: 3 }));
  });

  it('a deleted message is named, with where it was', () => {
    const dir = fresh();
    const l = lines(dir, FILES.jsonl);
    l.splice(3, 1); // seq 4
    put(dir, FILES.jsonl, l);
    const r = verifyExport(dir);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'deleted', seq: 4, line: 4 }));
    expect(r.problems.find((p) => p.kind === 'deleted')!.message).toMatch(/message 4 was deleted \(before line 4\)/);
  });

  it('messages cut off at the end are caught by the manifest count', () => {
    const dir = fresh();
    const l = lines(dir, FILES.jsonl);
    put(dir, FILES.jsonl, [...l.slice(0, 4), '']);
    const r = verifyExport(dir);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'deleted', seq: 5 }));
    expect(r.problems.find((p) => p.kind === 'deleted')!.message).toMatch(/messages 5–6 were deleted at the end/);
  });

  it('reordered messages are named', () => {
    const dir = fresh();
    const l = lines(dir, FILES.jsonl);
    [l[1], l[2]] = [l[2]!, l[1]!];
    put(dir, FILES.jsonl, l);
    const r = verifyExport(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'reordered', seq: 2, line: 3 }));
    expect(r.problems.some((p) => p.kind === 'deleted')).toBe(false);
  });

  it('an edit in the HTML or text transcript is located by line and message', () => {
    const dir = fresh();
    const h = lines(dir, FILES.html);
    const at = h.findIndex((x) => x.includes('message number 5'));
    h[at] = h[at]!.replace('message number 5', 'message number five');
    put(dir, FILES.html, h);
    const t = lines(dir, FILES.txt);
    const tat = t.findIndex((x) => x.includes('message number 2'));
    t.splice(tat, 1);
    put(dir, FILES.txt, t);
    const r = verifyExport(dir);
    const html = r.problems.find((p) => p.file === FILES.html)!;
    expect(html).toMatchObject({ kind: 'file-changed', line: at + 1 });
    expect(html.message).toContain(`message id ${msg(5).id}`);
    expect(r.problems.find((p) => p.file === FILES.txt)).toMatchObject({ kind: 'file-changed', line: tat + 1 });
  });

  it('a transcript edited together with its SHA-256 in the manifest is still caught', () => {
    const dir = fresh();
    const t = readFileSync(join(dir, FILES.txt), 'utf8').replace('message number 4', 'message number 4 (amended)');
    writeFileSync(join(dir, FILES.txt), t);
    const man = JSON.parse(readFileSync(join(dir, FILES.manifest), 'utf8'));
    man.files.find((f: { name: string }) => f.name === FILES.txt).sha256 = createHash('sha256').update(t).digest('hex');
    writeFileSync(join(dir, FILES.manifest), JSON.stringify(man));
    const r = verifyExport(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ file: FILES.txt, kind: 'file-changed', message: expect.stringMatching(/rewritten to match/) })]);
  });

  it('a missing file and a broken manifest are reported', () => {
    const dir = fresh();
    rmSync(join(dir, FILES.txt));
    expect(verifyExport(dir).problems).toContainEqual(expect.objectContaining({ file: FILES.txt, kind: 'missing-file' }));
    writeFileSync(join(dir, FILES.manifest), '{oops');
    expect(verifyExport(dir)).toMatchObject({ ok: false, problems: [expect.objectContaining({ kind: 'manifest' })] });
  });

  it('refuses to write into a non-empty folder', () => {
    const dir = fresh();
    expect(() => writeExport(dir, [msg(1)], { title: 'x', selection: {} })).toThrow(/not empty/);
  });
});
