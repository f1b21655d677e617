// What survives an engine restart, and the time the engine itself was down:
// - XMPP (Prosody, MAM): messages written while the engine was stopped are caught up, no gap; the
//   auto-reply memory holds (no second auto-reply to the same contact within the period).
// - IRC (ngircd, no history): the time the engine was down becomes a gap in the channel; mention
//   counts are still there after the restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ircProtocol } from '../../protocols/irc/index';
import { xmppProtocol } from '../../protocols/xmpp/index';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { sleep, startPeer, startTestEngine, until, xmppAccountConfig, type Peer, type TestEngine } from './helpers';

let prosody: ProsodyServer;
let irc: IrcServer;
const closers: (() => Promise<unknown>)[] = [];
const dirs: { remove(): void }[] = [];
const tag = (process.pid % 1000).toString(36);

beforeAll(async () => {
  [prosody, irc] = await Promise.all([startProsody(), startNgircd()]);
}, 60_000);
afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => {});
  await prosody?.stop();
  await irc?.stop();
  for (const d of dirs) d.remove();
});

function dataDir(): string {
  const d = tempDir('confab-restart-');
  dirs.push(d);
  return d.path;
}

async function started(dir: string, mode: 'create' | 'unlock'): Promise<TestEngine> {
  const t = await startTestEngine(dir, mode);
  closers.push(() => t.close());
  return t;
}

async function peer(descriptor: typeof xmppProtocol, config: Record<string, string | number | boolean>): Promise<Peer> {
  const p = await startPeer(descriptor, config);
  closers.push(() => p.close());
  return p;
}

describe('engine restart', () => {
  it('XMPP: messages written while the engine was down are caught up (no gap); auto-reply memory holds', async () => {
    const u = await prosody.createUser(`rs${Date.now() % 100000}`);
    const v = await prosody.createUser(`rspeer${Date.now() % 100000}`);
    const dir = dataDir();
    let t = await started(dir, 'create');
    const account = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, u) });
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
    const bob = await peer(xmppProtocol, xmppAccountConfig(prosody, v, { resource: 'rspeer' }));
    await bob.adapter.setPresence({ show: 'available' });
    await t.call('settings.set', { autoReply: { enabled: true, message: 'on holiday', periodMs: 3_600_000 } });
    await t.call('status.set', { show: 'away' });

    const pm = bob.events.length;
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'before the restart', clientId: 'rs-1' });
    const reply = await bob.waitFor('message', (e) => e.message.from === u.jid && e.message.body.includes('on holiday'), { since: pm });
    expect(reply.message.body).toContain('on holiday');
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'before the restart'));

    await t.close();
    const downFrom = Date.now();
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'while you were down 1', clientId: 'rs-2' });
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'while you were down 2', clientId: 'rs-3' });
    await sleep(300);

    t = await started(dir, 'unlock');
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
    const conv = (await t.call('conversations.list', {})).find((c) => c.kind === 'direct' && c.address === v.jid)!;
    const bodies = await until(async () => {
      const page = await t.call('messages.page', { conversationId: conv.id, limit: 50 });
      const b = page.messages.map((m) => m.body);
      return b.includes('while you were down 2') ? page : null;
    }, 'caught up the messages written while the engine was down');
    // (each exactly once; MAM stamps have whole seconds, so the order within one second may differ)
    const inBodies = bodies.messages.filter((m) => m.direction === 'in').map((m) => m.body);
    expect(inBodies.sort()).toEqual(['before the restart', 'while you were down 1', 'while you were down 2']);
    expect(bodies.gaps.filter((g) => g.to >= downFrom)).toEqual([]);

    // still away: the contact answered before the restart gets no second auto-reply in the period
    const pm2 = bob.events.length;
    const mark = t.events.length;
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'after the restart', clientId: 'rs-4' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'after the restart'), { since: mark });
    // an auto-reply would have been queued while that message was stored, so it would reach bob
    // before this marker (one sender session keeps its order)
    await t.call('messages.send', { conversationId: conv.id, body: 'marker' });
    await bob.waitFor('message', (e) => e.message.body === 'marker', { since: pm2 });
    expect(bob.events.slice(pm2).filter((e) => e.type === 'message' && e.message.from === u.jid && e.message.body !== 'marker')).toHaveLength(0);
  });

  it('XMPP account that had no direct message yet: what arrived while the engine was down is caught up too', async () => {
    const u = await prosody.createUser(`rsn${Date.now() % 100000}`);
    const v = await prosody.createUser(`rsnpeer${Date.now() % 100000}`);
    const bob = await peer(xmppProtocol, xmppAccountConfig(prosody, v, { resource: 'rsn' }));
    const dir = dataDir();
    let t = await started(dir, 'create');
    const account = await t.call('accounts.add', { protocol: 'xmpp', config: xmppAccountConfig(prosody, u) });
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
    await sleep(1100);
    await t.close();
    const downFrom = Date.now();
    // the user's phone writes to bob while Confab is down: only the server's archive has it (offline
    // storage covers messages TO the user, not those sent from another of their devices)
    const phone = await peer(xmppProtocol, xmppAccountConfig(prosody, u, { resource: 'phone' }));
    await phone.adapter.send({ kind: 'direct', id: v.jid }, { body: 'sent from my phone while Confab was down', clientId: 'rsn-0' });
    await bob.adapter.send({ kind: 'direct', id: u.jid }, { body: 'first message ever, while you were down', clientId: 'rsn-1' });
    await sleep(300);
    await phone.close();

    t = await started(dir, 'unlock');
    await t.waitEvent('accounts.changed', (a) => a.id === account.id && a.state === 'online');
    const conv = await until(async () => (await t.call('conversations.list', {})).find((c) => c.kind === 'direct' && c.address === v.jid), 'the conversation caught up');
    const page = await until(async () => {
      const p = await t.call('messages.page', { conversationId: conv.id, limit: 50 });
      const b = p.messages.map((m) => m.body);
      return b.includes('first message ever, while you were down') && b.includes('sent from my phone while Confab was down') ? p : null;
    }, 'the messages written while the engine was down', 10_000);
    expect(page.messages.map((m) => `${m.direction} ${m.body}`).sort()).toEqual(['in first message ever, while you were down', 'out sent from my phone while Confab was down']);
    expect(page.gaps.filter((g) => g.to >= downFrom)).toEqual([]);
  });

  it('IRC without history: the time the engine was down is a gap in the channel; mention counts survive', async () => {
    const chan = `#rs-${tag}`;
    const me = `rsme${tag}`;
    const dir = dataDir();
    let t = await started(dir, 'create');
    const a = await t.call('accounts.add', { protocol: 'irc', config: { server: irc.host, port: irc.port, tls: false, nick: me } });
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online');
    const conv = await t.call('rooms.join', { accountId: a.id, values: { channel: chan } });
    const bob = await peer(ircProtocol, { server: irc.host, port: irc.port, tls: false, nick: `rsbob${tag}` });
    await bob.adapter.rooms!.join({ channel: chan });
    await until(async () => (await t.call('rooms.members', { conversationId: conv.id })).some((m) => m.nick.toLowerCase() === `rsbob${tag}`), 'bob in the channel');
    await bob.adapter.send({ kind: 'room', id: chan }, { body: `${me}: please look at this`, clientId: 'm-1' });
    await until(async () => (await t.call('conversations.list', {})).find((c) => c.id === conv.id)?.mentions === 1, 'mention counted');

    await t.close();
    const downAt = Date.now();
    await bob.adapter.send({ kind: 'room', id: chan }, { body: 'nobody hears this', clientId: 'm-2' });
    await sleep(300);

    t = await started(dir, 'unlock');
    const gap = await t.waitEvent('messages.gap', (g) => g.conversationId === conv.id, { timeoutMs: 30_000 });
    expect(gap.from).toBeLessThanOrEqual(downAt);
    expect(gap.to).toBeGreaterThan(downAt);
    expect(gap.reason).toContain('keeps no history');
    const page = await t.call('messages.page', { conversationId: conv.id, limit: 50 });
    expect(page.gaps.some((g) => g.from <= downAt && g.to >= downAt)).toBe(true);
    expect(page.messages.map((m) => m.body)).not.toContain('nobody hears this');
    const after = (await t.call('conversations.list', {})).find((c) => c.id === conv.id)!;
    expect(after.mentions).toBe(1);
  });
});
