// A network drop on IRC without history (ngircd, no CHATHISTORY): after the engine reconnects on its
// own, the time it was away is recorded as a gap in the channel, so the UI can say messages may be
// missing. The drop is real: a TCP relay between the engine and the server cuts and refuses
// connections for a while.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ircProtocol } from '../../protocols/irc/index';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { freePort, LOOPBACK, tempDir } from '../harness/util';
import { sleep, startPeer, startTestEngine, until, type Peer, type TestEngine } from './helpers';

interface Relay {
  port: number;
  /** cut every connection and refuse new ones */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function relay(target: { host: string; port: number }): Promise<Relay> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const up = connect(target.port, target.host);
    sockets.add(client).add(up);
    const end = () => {
      client.destroy();
      up.destroy();
      sockets.delete(client);
      sockets.delete(up);
    };
    client.on('error', end).on('close', end).pipe(up);
    up.on('error', end).on('close', end).pipe(client);
  });
  await new Promise<void>((r) => server.listen(port, LOOPBACK, r));
  return {
    port,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

let irc: IrcServer;
let r: Relay;
let t: TestEngine;
let peer: Peer;
const dir = tempDir('confab-engine-gap-');
const tag = (process.pid % 1000).toString(36);
const chan = `#gap-${tag}`;

beforeAll(async () => {
  irc = await startNgircd();
  r = await relay({ host: irc.host, port: irc.port });
  t = await startTestEngine(dir.path);
  peer = await startPeer(ircProtocol, { server: irc.host, port: irc.port, tls: false, nick: `peer${tag}` });
}, 60_000);
afterAll(async () => {
  await peer?.close();
  await t?.close();
  await r?.close();
  await irc?.stop();
  dir.remove();
});

describe('gaps', () => {
  it('time offline on a network without history becomes a gap in the channel', async () => {
    const a = await t.call('accounts.add', { protocol: 'irc', config: { server: LOOPBACK, port: r.port, tls: false, nick: `me${tag}` } });
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online');
    const conv = await t.call('rooms.join', { accountId: a.id, values: { channel: chan } });
    await peer.adapter.rooms!.join({ channel: chan });
    const mark = t.events.length;
    await peer.adapter.send({ kind: 'room', id: chan }, { body: 'before the drop', clientId: 'g-1' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'before the drop'), { since: mark });

    r.cut();
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'reconnecting', { since: mark });
    const missedAt = Date.now();
    await peer.adapter.send({ kind: 'room', id: chan }, { body: 'sent while we were away', clientId: 'g-2' });
    await sleep(300);
    r.restore();
    const gap = await t.waitEvent('messages.gap', (g) => g.conversationId === conv.id, { since: mark, timeoutMs: 30_000 });
    expect(gap.from).toBeLessThanOrEqual(missedAt);
    expect(gap.to).toBeGreaterThanOrEqual(missedAt);
    // back in the channel: new messages arrive again, and the page shows the gap
    const m2 = t.events.length;
    await until(async () => (await t.call('rooms.members', { conversationId: conv.id })).some((m) => m.nick.toLowerCase() === `peer${tag}`), 'rejoined the channel');
    await peer.adapter.send({ kind: 'room', id: chan }, { body: 'after the drop', clientId: 'g-3' });
    await t.waitEvent('messages.added', (e) => e.messages.some((m) => m.body === 'after the drop'), { since: m2 });
    const page = await t.call('messages.page', { conversationId: conv.id, limit: 50 });
    expect(page.messages.map((m) => m.body)).toEqual(['before the drop', 'after the drop']);
    expect(page.gaps.some((g) => g.from <= missedAt && g.to >= missedAt)).toBe(true);
  });

  it('without echo-message a sent IRC message is shown as unconfirmed, and is not re-sent on its own', async () => {
    const a = (await t.call('accounts.list', {}))[0]!;
    const conv = await t.call('conversations.open', { accountId: a.id, kind: 'direct', address: `peer${tag}` });
    const mark = t.events.length;
    const pm = peer.events.length;
    const m = await t.call('messages.send', { conversationId: conv.id, body: 'no echo here' });
    await t.waitEvent('messages.updated', (x) => x.id === m.id && x.state === 'unconfirmed', { since: mark });
    await peer.waitFor('message', (e) => e.message.body === 'no echo here', { since: pm });
    // a drop and reconnect must not send it again (the peer would see it twice)
    r.cut();
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'reconnecting', { since: mark });
    r.restore();
    await t.waitEvent('accounts.changed', (x) => x.id === a.id && x.state === 'online', { since: mark, timeoutMs: 30_000 });
    const after = await t.call('messages.send', { conversationId: conv.id, body: 'marker after reconnect' });
    await peer.waitFor('message', (e) => e.message.body === 'marker after reconnect', { since: pm });
    expect(after.state).toBe('sending');
    expect(peer.events.slice(pm).filter((e) => e.type === 'message' && e.message.body === 'no echo here')).toHaveLength(1);
  });
});
