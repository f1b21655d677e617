/**
 * The log parsers against samples written from each client's documentation and source
 * (libpurple log.c, irssi's default theme/log settings, WeeChat's logger plugin, HexChat's
 * text events). Pure: no archive involved.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLog, detectFormat, listLogFiles, parseLog, parseLogSteps, readLogFile, TooManyFilesError } from '../../core/archive/import/index';
import { tempDir } from '../harness/util';

const FIX = join(import.meta.dirname, 'fixtures');
const UTC = { utcOffsetMinutes: 0 };
const iso = (ms: number) => new Date(ms).toISOString();

function read(rel: string) {
  return readLogFile(join(FIX, rel), UTC);
}

describe('Pidgin TXT', () => {
  const r = read('pidgin/logs/jabber/alice@example.com/bob@example.com/2026-11-28.221041+0100CET.txt');
  it('reads header, senders, /me, auto-replies, system lines and multi-line messages', () => {
    expect(r.format).toBe('pidgin-txt');
    expect(r.issues).toEqual([]);
    const m = r.messages;
    expect(m.map((x) => x.kind)).toEqual(['chat', 'chat', 'action', 'chat', 'system', 'chat', 'chat']);
    expect(m[0]).toMatchObject({ protocol: 'xmpp', account: 'alice@example.com', conversation: { kind: 'direct', address: 'bob@example.com' }, sender: 'Alice', line: 2 });
    expect(m[1]).toMatchObject({ sender: 'Bob Smith', body: "yes & thanks\nthe second line of Bob's message", line: 3 });
    expect(m[2]).toMatchObject({ sender: 'Alice', body: 'waves' });
    expect(m[3]).toMatchObject({ sender: 'Bob Smith', body: 'I am away from my computer right now.' });
    expect(m[4]).toMatchObject({ sender: '', body: 'bob@example.com has signed off.' });
  });
  it('dates entries from the file name and its UTC offset, across midnight', () => {
    expect(iso(r.messages[0]!.time)).toBe('2026-11-28T21:10:41.000Z');
    expect(iso(r.messages[5]!.time)).toBe('2026-11-28T22:59:59.000Z');
    expect(iso(r.messages[6]!.time)).toBe('2026-11-28T23:00:05.000Z'); // 00:00:05 CET on the 29th
  });
  it('group chats: the .chat folder makes a room, topic lines stay system lines', () => {
    const g = read('pidgin/logs/irc/alice@irc.libera.chat/#confab.chat/2026-11-26.200000+0000UTC.txt');
    expect(g.messages.every((x) => x.conversation.kind === 'room' && x.conversation.address === '#confab' && x.protocol === 'irc')).toBe(true);
    expect(g.messages.map((x) => [x.kind, x.sender])).toEqual([['system', ''], ['system', ''], ['chat', 'dave'], ['action', 'dave'], ['system', '']]);
    expect(g.messages[0]!.body).toBe('The topic for #confab is: old topic');
  });
  it('a malformed line is reported with path and line, the rest is kept', () => {
    const b = read('bad/2026-01-01.120000+0000UTC.txt');
    expect(b.messages.map((x) => x.body)).toEqual(['first', 'last']);
    expect(b.issues).toEqual([{ path: join(FIX, 'bad/2026-01-01.120000+0000UTC.txt'), line: 3, message: expect.stringContaining('unreadable time') }]);
  });
});

describe('Pidgin HTML', () => {
  const r = read('pidgin/logs/jabber/alice@example.com/bob@example.com/2026-11-29.090000+0100CET.html');
  it('reads senders, direction by colour, /me, system and error lines, entities and <br>', () => {
    expect(r.format).toBe('pidgin-html');
    expect(r.issues).toEqual([]);
    const m = r.messages;
    expect(m.map((x) => [x.kind, x.direction, x.sender])).toEqual([
      ['chat', 'out', 'Alice'], ['chat', 'in', 'Bob Smith'], ['action', 'in', 'Bob Smith'],
      ['system', 'in', ''], ['system', 'in', ''], ['chat', 'in', 'Bob Smith'],
    ]);
    expect(m[0]!.body).toBe('good morning <script>alert(1)</script>'); // text, decoded: escaping is the exporter's job
    expect(m[1]!.body).toBe('morning\nsecond line');
    expect(m[4]!.body).toBe('Unable to send message: user is offline');
  });
  it('full dates in entries move to that day', () => {
    expect(iso(r.messages[0]!.time)).toBe('2026-11-29T08:00:00.000Z');
    expect(iso(r.messages[5]!.time)).toBe('2026-11-30T06:00:00.000Z');
  });
  it('group chat with topic and join/leave lines', () => {
    const g = read('pidgin/logs/irc/alice@irc.libera.chat/#confab.chat/2026-11-27.200000+0000UTC.html');
    expect(g.messages.map((x) => [x.kind, x.sender, x.body])).toEqual([
      ['system', '', 'The topic for #confab is: Confab development | logs are public'],
      ['system', '', 'carol entered the room.'],
      ['chat', 'carol', 'hello channel'],
      ['chat', 'alice', 'hi carol'],
      ['system', '', 'carol left the room (quit: bye).'],
    ]);
  });
});

describe('Pidgin HTML, newer <span> markup', () => {
  it('reads the same entries written with span styles (Pidgin 2.14)', () => {
    const h = 'Conversation with carol@example.org at Mon 30 Nov 2026 10:00:00 AM UTC on alice@example.com/Laptop (XMPP)';
    const text = [
      `<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"><title>${h}</title></head><body><h3>${h}</h3>`,
      '<span style="color: #16569E"><span style="font-size: smaller">(10:00:01)</span> <b>Alice:</b></span> <span style="font-family: sans">hi &amp; bye</span><br/>',
      '<span style="color: #A82F2F"><span style="font-size: smaller">(10:00:02)</span> <b>carol@example.org:</b></span> yo<br/>',
      '<span style="font-size: smaller">(10:00:03)</span><b> carol@example.org has signed off.</b><br/>',
      '</body></html>',
    ].join('\n');
    const r = parseLog(text, '/logs/jabber/alice@example.com/carol@example.org/2026-11-30.100000+0000UTC.html');
    expect(r.format).toBe('pidgin-html');
    expect(r.issues).toEqual([]);
    expect(r.messages.map((m) => [m.kind, m.direction, m.sender, m.body, iso(m.time)])).toEqual([
      ['chat', 'out', 'Alice', 'hi & bye', '2026-11-30T10:00:01.000Z'],
      ['chat', 'in', 'carol@example.org', 'yo', '2026-11-30T10:00:02.000Z'],
      ['system', 'in', '', 'carol@example.org has signed off.', '2026-11-30T10:00:03.000Z'],
    ]);
    expect(r.messages[0]!.account).toBe('alice@example.com');
  });
});

describe('irssi', () => {
  const r = read('irssi/libera/#confab.log');
  it('reads messages with mode chars, actions, notices and -!- lines; network from the folder', () => {
    expect(r.format).toBe('irssi');
    const m = r.messages;
    expect(m.map((x) => [x.kind, x.sender])).toEqual([
      ['system', ''], ['system', ''], ['chat', 'alice'], ['chat', 'carol'], ['action', 'alice'], ['notice', 'carol'], ['system', ''], ['chat', 'carol'], ['chat', 'alice'],
    ]);
    expect(m[0]).toMatchObject({ protocol: 'irc', account: 'libera', conversation: { kind: 'room', address: '#confab' } });
    expect(m[4]!.body).toBe('waves at carol');
  });
  it('dates from "Log opened" and "Day changed"', () => {
    expect(iso(r.messages[2]!.time)).toBe('2026-11-28T22:01:00.000Z');
    expect(iso(r.messages[8]!.time)).toBe('2026-11-29T00:01:00.000Z');
  });
  it('reports the garbage line by path:line', () => {
    expect(r.issues.map((i) => i.line)).toEqual([9]);
  });
  it('queries are direct conversations; identical lines stay two messages with distinct ids', () => {
    const q = read('irssi/libera/bob.log');
    expect(q.messages[0]!.conversation).toEqual({ kind: 'direct', address: 'bob' });
    expect(q.messages).toHaveLength(3);
    expect(new Set(q.messages.map((x) => x.sourceId)).size).toBe(3);
  });
});

describe('WeeChat', () => {
  const r = read('weechat/irc.libera.#weechat.weechatlog');
  it('reads prefix/message fields, keeps tabs in text, skips log markers, reports broken lines', () => {
    expect(r.format).toBe('weechat');
    expect(r.messages.map((x) => [x.kind, x.sender])).toEqual([
      ['system', ''], ['system', ''], ['chat', 'FlashCode'], ['chat', 'alice'], ['action', 'alice'], ['notice', 'ChanServ'], ['system', ''],
    ]);
    expect(r.messages[3]!.body).toBe('thanks, a tab\there stays');
    expect(r.messages[0]).toMatchObject({ account: 'libera', conversation: { kind: 'room', address: '#weechat' } });
    expect(iso(r.messages[2]!.time)).toBe('2026-11-28T21:00:05.000Z');
    expect(r.issues.map((i) => i.line)).toEqual([9]);
  });
});

describe('HexChat', () => {
  const r = read('hexchat/libera/#hexchat.log');
  it('reads nick, action, join/part and notice lines; year from BEGIN LOGGING, rolling over at New Year', () => {
    expect(r.format).toBe('hexchat');
    expect(r.messages.map((x) => [x.kind, x.sender])).toEqual([
      ['system', ''], ['chat', 'alice'], ['chat', 'TingPing'], ['action', 'TingPing'], ['system', ''], ['notice', 'ChanServ'], ['system', ''],
    ]);
    expect(iso(r.messages[2]!.time)).toBe('2026-12-31T23:59:59.000Z');
    expect(iso(r.messages[3]!.time)).toBe('2027-01-01T00:00:01.000Z');
    expect(r.issues.map((i) => i.line)).toEqual([10]);
  });
});

describe('detection and ids', () => {
  it('detects every format from content, and refuses unknown files with a reason', () => {
    const files = listLogFiles([FIX]);
    const formats = Object.fromEntries(files.map((f) => [f.slice(FIX.length + 1), detectFormat(readFileSync(f, 'utf8'), f)]));
    expect(formats).toMatchObject({
      'hexchat/libera/#hexchat.log': 'hexchat',
      'irssi/libera/#confab.log': 'irssi',
      'weechat/irc.libera.#weechat.weechatlog': 'weechat',
      'bad/notes.txt': null,
    });
    expect(Object.entries(formats).filter(([k]) => k.startsWith('pidgin/')).map(([, v]) => v).sort()).toEqual(['pidgin-html', 'pidgin-html', 'pidgin-txt', 'pidgin-txt']);
    const r = parseLog('just notes', '/x/notes.txt');
    expect(r.issues[0]).toMatchObject({ path: '/x/notes.txt', line: 0, message: expect.stringContaining('not recognised') });
  });
  it('source ids are stable across parses (re-import maps onto the same ids)', () => {
    const f = join(FIX, 'irssi/libera/#confab.log');
    expect(readLogFile(f, UTC).messages.map((m) => m.sourceId)).toEqual(readLogFile(f, UTC).messages.map((m) => m.sourceId));
  });
  it('Latin-1 logs are read without mojibake', () => {
    const buf = Buffer.from('--- Log opened Sat Nov 28 22:00:00 2026\n22:01 < jörg> grüße\n', 'latin1');
    const r = parseLog(decodeLog(buf), '/x/libera/#de.log', UTC);
    expect(r.messages[0]).toMatchObject({ sender: 'jörg', body: 'grüße' });
  });
});

describe('large files', () => {
  it('are parsed in slices of lines (the engine answers between them), with the same result as at once', () => {
    const samples: Record<string, (i: number) => string> = {
      weechat: (i) => `2020-01-01 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}\talice\tline ${i}`,
      irssi: (i) => (i === 0 ? '--- Log opened Wed Jan 01 10:00:00 2020' : `10:${String(i % 60).padStart(2, '0')} < alice> line ${i}`),
    };
    for (const [format, line] of Object.entries(samples)) {
      const text = Array.from({ length: 9000 }, (_, i) => line(i)).join('\n');
      const path = format === 'irssi' ? '/logs/net/#room.log' : '/logs/irc.net.#room.weechatlog';
      const steps = parseLogSteps(text, path, UTC);
      let slices = 0;
      let r = steps.next();
      for (; !r.done; r = steps.next()) slices++;
      expect({ format: r.value.format, slices }).toEqual({ format, slices: 4 });
      expect(r.value.messages).toEqual(parseLog(text, path, UTC).messages);
      expect(r.value.messages.length).toBeGreaterThan(8990);
    }
  });
});

describe('walking log folders', () => {
  it('does not follow symbolic links inside folders (no loops) and refuses a folder with too many files', () => {
    const t = tempDir('archive-walk');
    try {
      const logs = join(t.path, 'logs', 'libera');
      mkdirSync(logs, { recursive: true });
      writeFileSync(join(logs, '#a.log'), '--- Log opened Sat Nov 28 22:00:00 2026\n22:01 < amy> hi\n');
      writeFileSync(join(logs, '#b.log'), '--- Log opened Sat Nov 28 22:00:00 2026\n22:02 < bo> yo\n');
      symlinkSync(join(t.path, 'logs'), join(logs, 'loop'));
      expect(listLogFiles([join(t.path, 'logs')])).toEqual([join(logs, '#a.log'), join(logs, '#b.log')]);
      expect(() => listLogFiles([join(t.path, 'logs')], { maxFiles: 1 })).toThrow(TooManyFilesError);
    } finally {
      t.remove();
    }
  });
});
