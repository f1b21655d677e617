/**
 * PRIVMSG / NOTICE / ACTION between two adapters: on InspIRCd (echo-message + labeled-response:
 * sends are confirmed, msgid and server-time used) and on ngircd (no echo: 'unconfirmed').
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { account, needsHarness, nick, online, type TestAccount } from './adapter-helpers';
import { wireClient } from './wire-clients';
import { startCutProxy } from './cut-proxy';
import { parseLine } from '../../protocols/irc/parse';

const accounts: TestAccount[] = [];
const track = (a: TestAccount) => { accounts.push(a); return a; };
afterAll(async () => { await Promise.all(accounts.map((a) => a.stop())); });

describe('on InspIRCd (IRCv3)', () => {
  let s: InspircdServer;
  let alice: TestAccount;
  let bob: TestAccount;
  beforeAll(async () => {
    s = await startInspircd();
    const base = { server: s.host, port: s.tlsPort, tls: true, caPem: s.caPem };
    [alice, bob] = await Promise.all([online({ ...base, nick: nick('alice') }), online({ ...base, nick: nick('bob') })]).then((x) => x.map(track));
  });
  afterAll(async () => { await s?.stop(); });

  it('a message arrives with server time and msgid, and the send is confirmed by its echo', async () => {
    const sentAt = Date.now();
    await alice.adapter.send({ kind: 'direct', id: bob.nick.toLowerCase() }, { body: 'hello bob', clientId: 'c-1' });
    const got = await bob.waitFor('message', (e) => e.message.body === 'hello bob');
    expect(got.message).toMatchObject({ direction: 'in', from: alice.nick.toLowerCase(), kind: 'chat', serverTimeTrusted: true, conversation: { kind: 'direct', id: alice.nick.toLowerCase() } });
    expect(got.message.serverId).toBeTruthy();
    expect(Math.abs(got.message.serverTime - sentAt)).toBeLessThan(60_000);
    const receipt = await alice.waitFor('receipt', (e) => e.clientId === 'c-1');
    expect(receipt.status).toBe('sent');
    expect(receipt.serverId).toBe(got.message.serverId);
  });

  it('a long message is split at the byte limit, UTF-8 intact, each part confirmed, the receipt once', async () => {
    const body = Array.from({ length: 120 }, (_, i) => `wörd${i}→🎉`).join(' ');
    await alice.adapter.send({ kind: 'direct', id: bob.nick.toLowerCase() }, { body, clientId: 'c-long' });
    const receipt = await alice.waitFor('receipt', (e) => e.clientId === 'c-long');
    expect(receipt.status).toBe('sent');
    // bob gets the parts in order; joined with spaces they are the original text
    await expect.poll(() => bob.events.filter((e) => e.type === 'message' && e.message.body.includes('wörd')).length).toBeGreaterThan(1);
    const parts = bob.events.flatMap((e) => (e.type === 'message' && e.message.body.includes('wörd') ? [e.message.body] : []));
    await expect.poll(() => bob.events.filter((e) => e.type === 'message' && e.message.body.includes('wörd')).map((e) => (e as { message: { body: string } }).message.body).join(' ')).toBe(body);
    for (const p of parts) expect(p).not.toContain('\uFFFD');
    expect(alice.events.filter((e) => e.type === 'receipt' && e.clientId === 'c-long')).toHaveLength(1);
  });

  it('on the wire, every part of a split message carries its own label', async () => {
    const tap = await startCutProxy({ host: s.host, port: s.port });
    try {
      const carol = track(await online({ server: '127.0.0.1', port: tap.port, tls: false, nick: nick('carol') }));
      await carol.adapter.send({ kind: 'direct', id: bob.nick.toLowerCase() }, { body: 'label me '.repeat(150).trim(), clientId: 'c-lbl' });
      expect((await carol.waitFor('receipt', (e) => e.clientId === 'c-lbl')).status).toBe('sent');
      const privmsgs = tap.clientBytes().split('\r\n').map((l) => parseLine(l)).filter((m) => m?.verb === 'PRIVMSG');
      expect(privmsgs.length).toBeGreaterThan(2);
      const labels = privmsgs.map((m) => m!.tags.label);
      expect(labels.every(Boolean)).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
      await carol.stop();
    } finally {
      await tap.stop();
    }
  });

  it('NOTICE and /me arrive with their kind', async () => {
    await alice.adapter.send({ kind: 'direct', id: bob.nick.toLowerCase() }, { body: 'a notice', clientId: 'c-n', kind: 'notice' });
    await alice.adapter.send({ kind: 'direct', id: bob.nick.toLowerCase() }, { body: 'waves', clientId: 'c-a', kind: 'action' });
    expect((await bob.waitFor('message', (e) => e.message.body === 'a notice')).message.kind).toBe('notice');
    expect((await bob.waitFor('message', (e) => e.message.body === 'waves')).message.kind).toBe('action');
    expect((await alice.waitFor('receipt', (e) => e.clientId === 'c-a')).status).toBe('sent');
  });

  it('formatting codes are stripped for display', async () => {
    await alice.adapter.send({ kind: 'direct', id: bob.nick.toLowerCase() }, { body: '\x02bold\x02 \x0304,01red\x03 plain', clientId: 'c-f' });
    await bob.waitFor('message', (e) => e.message.body === 'bold red plain');
  });

  it('a message to a nick that does not exist fails its receipt', async () => {
    await alice.adapter.send({ kind: 'direct', id: 'nobody-here' }, { body: 'anyone?', clientId: 'c-x' });
    const r = await alice.waitFor('receipt', (e) => e.clientId === 'c-x');
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('401');
  });

  it('answers CTCP VERSION, and a CTCP flood gets only a few answers', async () => {
    const raw = await wireClient({ host: s.host, port: s.port, tls: false, nick: nick('ctcp') });
    try {
      const replies: string[] = [];
      raw.client.on('ctcp response', (e: { nick: string; message: string }) => { if (e.nick === alice.nick) replies.push(e.message); });
      for (let i = 0; i < 20; i++) raw.client.ctcpRequest(alice.nick, 'VERSION');
      await expect.poll(() => replies.length).toBeGreaterThan(0);
      expect(replies[0]).toMatch(/^VERSION Confab/);
      // alice stays usable while being flooded
      await bob.adapter.send({ kind: 'direct', id: alice.nick.toLowerCase() }, { body: 'still there?', clientId: 'c-still' });
      await alice.waitFor('message', (e) => e.message.body === 'still there?');
      expect(replies.length).toBeLessThanOrEqual(3);
    } finally {
      raw.close();
    }
  });
});

describe('on InspIRCd with echo-message but no labeled-response', () => {
  let s: InspircdServer;
  beforeAll(async () => { s = await startInspircd({ withoutModules: ['ircv3_labeledresponse'] }); });
  afterAll(async () => { await s?.stop(); });

  it('echoes are matched by text: a split message is confirmed once, after its last part', async () => {
    if (needsHarness(s, 'a server without labeled-response')) return;
    const base = { server: s.host, port: s.port, tls: false };
    const a = track(await online({ ...base, nick: nick('el') }));
    const b = track(await online({ ...base, nick: nick('em') }));
    const body = 'echo me '.repeat(120).trim();
    await a.adapter.send({ kind: 'direct', id: b.nick.toLowerCase() }, { body: 'short one', clientId: 'e-1' });
    await a.adapter.send({ kind: 'direct', id: b.nick.toLowerCase() }, { body, clientId: 'e-2' });
    expect((await a.waitFor('receipt', (e) => e.clientId === 'e-1')).status).toBe('sent');
    const r2 = await a.waitFor('receipt', (e) => e.clientId === 'e-2');
    expect(r2.status).toBe('sent');
    expect(r2.serverId).toBeTruthy();
    await expect.poll(() => b.events.filter((e) => e.type === 'message' && e.message.body.startsWith('echo me')).length).toBeGreaterThan(1);
    // the echoes were consumed as confirmations, not shown as new outgoing messages
    expect(a.events.filter((e) => e.type === 'message' && e.message.direction === 'out')).toEqual([]);
  });
});

describe('on ngircd (no echo-message)', () => {
  let s: IrcServer;
  beforeAll(async () => { s = await startNgircd(); });
  afterAll(async () => { await s?.stop(); });

  it('messages flow both ways and own sends are "unconfirmed"', async () => {
    if (needsHarness(s, 'a server without echo-message and server-time (ngircd)')) return;
    const base = { server: s.host, port: s.port, tls: false };
    const a = track(await online({ ...base, nick: nick('ann') }));
    const b = track(await online({ ...base, nick: nick('ben') }));
    await a.adapter.send({ kind: 'direct', id: b.nick.toLowerCase() }, { body: 'hi ben', clientId: 'n-1' });
    const got = await b.waitFor('message', (e) => e.message.body === 'hi ben');
    expect(got.message.serverTimeTrusted).toBe(false);
    expect((await a.waitFor('receipt', (e) => e.clientId === 'n-1')).status).toBe('unconfirmed');
    await b.adapter.send({ kind: 'direct', id: a.nick.toLowerCase() }, { body: 'hi ann', clientId: 'n-2' });
    await a.waitFor('message', (e) => e.message.body === 'hi ann');
  });

  it('TLS against the per-run CA', async () => {
    const a = track(await online({ server: s.host, port: s.tlsPort, tls: true, caPem: s.caPem, nick: nick('tls') }));
    expect(a.events.find((e) => e.type === 'self')).toBeTruthy();
  });

  it('send before connect is refused with a network error, not thrown into the void', async () => {
    const a = track(account({ server: s.host, port: s.port, tls: false, nick: nick('off') }));
    await expect(a.adapter.send({ kind: 'direct', id: 'x' }, { body: 'x', clientId: 'x' })).rejects.toMatchObject({ kind: 'network' });
  });
});
