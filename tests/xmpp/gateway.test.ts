// Service discovery of gateways and an IRC channel joined as a MUC room through biboumi attached to
// Prosody; the other side is a plain IRC client on the harness's ngircd.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startBiboumi, type BiboumiGateway } from '../harness/biboumi';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { startGatewayComponent } from './fixtures/gateway-component';
import { cid, closeAll, online } from './helpers';

let srv: ProsodyServer;
let gw: BiboumiGateway;
let irc: IrcServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => {
  srv = await startProsody({ components: [{ name: 'irc' }, { name: 'legacy' }] });
  if (srv.external) return;
  gw = await startBiboumi(srv);
  irc = await startNgircd();
});
afterAll(async () => {
  await closeAll(bag);
  await gw?.stop();
  await irc?.stop();
  await srv?.stop();
});

/** a minimal IRC client: registers, joins, collects lines */
function ircClient(host: string, port: number, nick: string): Promise<{ lines: string[]; send(l: string): void; waitFor(re: RegExp): Promise<string>; close(): void }> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect({ host, port });
    const lines: string[] = [];
    const waiters: { re: RegExp; res: (l: string) => void }[] = [];
    let buf = '';
    s.on('error', reject);
    s.on('data', (d) => {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        lines.push(line);
        if (line.startsWith('PING')) s.write(`PONG ${line.slice(5)}\r\n`);
        for (const w of [...waiters]) if (w.re.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.res(line); }
      }
    });
    const api = {
      lines,
      send: (l: string) => { s.write(`${l}\r\n`); },
      waitFor: (re: RegExp) => {
        const seen = lines.find((l) => re.test(l));
        return seen ? Promise.resolve(seen) : new Promise<string>((res) => waiters.push({ re, res }));
      },
      close: () => { s.destroy(); },
    };
    s.on('connect', () => {
      api.send(`NICK ${nick}`);
      api.send(`USER ${nick} 0 * :${nick}`);
      void api.waitFor(/ 001 /).then(() => resolve(api));
    });
  });
}

describe('XMPP gateways', () => {
  it('lists a gateway (disco category gateway) and registers with it (XEP-0077)', async () => {
    if (srv.external) return console.log('skipped: the gateway component is attached to the harness Prosody only');
    const comp = srv.components.legacy!;
    const legacy = await startGatewayComponent('127.0.0.1', srv.componentPort!, comp.domain, comp.secret);
    try {
      const a = await online(srv, srv.users.alice, {}, bag);
      const gws = await a.a.gateways();
      expect(gws).toContainEqual({ jid: comp.domain, type: 'legacy', name: 'Legacy IM', registration: true });
      const form = await a.a.registrationFields(comp.domain);
      expect(form).toEqual({ registered: false, instructions: 'Enter your Legacy IM number and password', fields: ['username', 'password'] });
      await a.a.register(comp.domain, { username: '123456', password: 'legacy-secret' });
      expect(legacy.registrations.get(srv.users.alice.jid)).toEqual({ username: '123456', password: 'legacy-secret' });
      expect((await a.a.registrationFields(comp.domain)).registered).toBe(true);
    } finally {
      legacy.stop();
    }
  });


  it('lists biboumi as a gateway, configures it (ad-hoc), joins an IRC channel as a room and talks to IRC', async () => {
    if (srv.external) return console.log('skipped: the biboumi gateway is started by the harness only');
    const a = await online(srv, srv.users.alice, {}, bag);
    const gws = await a.a.gateways();
    expect(gws).toContainEqual(expect.objectContaining({ jid: gw.jid, type: 'irc' }));
    const server = `127.0.0.1@${gw.jid}`;
    // biboumi asks for its settings per IRC server with an ad-hoc form (it has no XEP-0077 registration)
    const step = await a.a.executeCommand(server, 'configure');
    expect(step.fields.map((f) => f.var)).toEqual(expect.arrayContaining(['ports', 'tls_ports']));
    const done = await a.a.submitCommand(server, 'configure', step, { ports: [String(irc.port)], tls_ports: [] });
    expect(done.status).toBe('completed');

    const ircUser = await ircClient(irc.host, irc.port, 'ircbob');
    try {
      ircUser.send('JOIN #confab');
      await ircUser.waitFor(/ 366 /);
      const room = `#confab%127.0.0.1@${gw.jid}`;
      const joined = await a.a.rooms.join({ room, nick: 'alice' });
      expect(joined.id).toBe(room);
      await a.rec.waitFor('occupants', (e) => e.roomId === room && e.occupants.some((o) => o.nick === 'ircbob'));
      const id = cid();
      await a.a.send({ kind: 'room', id: room }, { body: 'hello IRC from XMPP', clientId: id });
      const line = await ircUser.waitFor(/PRIVMSG #confab :hello IRC from XMPP/);
      expect(line.startsWith(':alice!')).toBe(true);
      ircUser.send('PRIVMSG #confab :hello XMPP from IRC');
      const m = await a.rec.waitFor('message', (e) => e.message.conversation.id === room && e.message.body === 'hello XMPP from IRC');
      expect(m.message).toMatchObject({ fromName: 'ircbob', direction: 'in' });
    } finally {
      ircUser.close();
    }
  });
});
