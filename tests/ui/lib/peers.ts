/** The other side of the conversation: a real XMPP client and a real IRC client on the harness servers. */
import { createXmppClient, type XmppClient } from '../../../protocols/xmpp/xmppStream';
import { xml, type XmlElement } from '../../../protocols/xmpp/xml';
import type { ProsodyServer, XmppTestUser } from '../../harness/prosody';
import type { IrcServer } from '../../harness/ngircd';
import { wireClient, type WireClient } from '../../irc/wire-clients';

export interface XmppPeer {
  jid: string;
  client: XmppClient;
  say(to: string, body: string): Promise<void>;
  /** resolves with the body of the next chat message from `fromBare` */
  nextMessage(fromBare: string, pred?: (body: string) => boolean, timeoutMs?: number): Promise<string>;
  /** the latest presence show seen from `bare` ('available' when no <show/>), or undefined */
  presence(bare: string): string | undefined;
  waitPresence(bare: string, show: string, timeoutMs?: number): Promise<void>;
  /** resolves with the next stanza matching `pred` (seen before or after the call) */
  nextStanza(pred: (s: XmlElement) => boolean, timeoutMs?: number): Promise<XmlElement>;
  /** asks to see `bare`'s presence (a subscription request on their side) */
  subscribe(bare: string): Promise<void>;
  stop(): Promise<void>;
}

export async function xmppPeer(srv: ProsodyServer, user: XmppTestUser): Promise<XmppPeer> {
  const client = createXmppClient({ host: srv.host, port: srv.port, domain: srv.domain, directTls: false, ca: srv.caPem || undefined, username: user.name, password: user.password, timeoutMs: 15_000 });
  const messages: { from: string; body: string }[] = [];
  const presences = new Map<string, string>();
  const stanzas: XmlElement[] = [];
  const waiters = new Set<() => void>();
  const wake = () => { for (const w of [...waiters]) w(); };
  client.entity.on('stanza', (s: XmlElement) => {
    const from = String(s.attrs.from ?? '').split('/')[0]!.toLowerCase();
    stanzas.push(s);
    if (stanzas.length > 500) stanzas.shift();
    if (s.is('message') && s.getChild('body')) messages.push({ from, body: s.getChildText('body') ?? '' });
    if (s.is('presence')) {
      const type = s.attrs.type as string | undefined;
      if (type === 'subscribe') void client.send(xml('presence', { to: from, type: 'subscribed' }));
      else if (!type) presences.set(from, s.getChildText('show') ?? 'available');
      else if (type === 'unavailable') presences.set(from, 'offline');
    }
    wake();
  });
  await client.entity.start();
  await client.send(xml('presence'));
  const until = <T>(fn: () => T | undefined, what: string, ms: number) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = fn();
        if (v !== undefined) {
          waiters.delete(check);
          clearTimeout(t);
          resolve(v);
        }
      };
      const t = setTimeout(() => { waiters.delete(check); reject(new Error(`${user.jid}: ${what} did not come within ${ms} ms`)); }, ms);
      waiters.add(check);
      check();
    });
  return {
    jid: user.jid,
    client,
    say: (to, body) => client.send(xml('message', { to, type: 'chat', id: `peer-${Date.now()}-${Math.random().toString(36).slice(2)}` }, xml('body', {}, body))),
    nextMessage(fromBare, pred = () => true, ms = 30_000) {
      return until(() => {
        const i = messages.findIndex((m) => m.from === fromBare.toLowerCase() && pred(m.body));
        return i >= 0 ? messages.splice(i, 1)[0]!.body : undefined;
      }, `a message from ${fromBare}`, ms);
    },
    presence: (bare) => presences.get(bare.toLowerCase()),
    async waitPresence(bare, show, ms = 30_000) {
      await until(() => (presences.get(bare.toLowerCase()) === show ? true : undefined), `presence ${show} of ${bare}`, ms);
    },
    nextStanza(pred, ms = 30_000) {
      return until(() => {
        const i = stanzas.findIndex(pred);
        return i >= 0 ? stanzas.splice(i, 1)[0]! : undefined;
      }, 'a matching stanza', ms);
    },
    subscribe: (bare) => client.send(xml('presence', { to: bare, type: 'subscribe' })),
    async stop() {
      try { await client.entity.stop(); } catch { /* gone */ }
    },
  };
}

export interface IrcPeer {
  nick: string;
  wire: WireClient;
  say(to: string, text: string): void;
  nextMessage(fromNick: string, pred?: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** WHOIS: the away message of `nick`, or null when not away */
  awayOf(nick: string, timeoutMs?: number): Promise<string | null>;
  stop(): void;
}

export async function ircPeer(srv: IrcServer, nick: string): Promise<IrcPeer> {
  const wire = await wireClient({ host: srv.host, port: srv.port, tls: false, nick });
  return {
    nick: wire.nick,
    wire,
    say: (to, text) => wire.client.say(to, text),
    async nextMessage(fromNick, pred = () => true, ms = 30_000) {
      const m = await wire.nextMessage((e) => e.nick.toLowerCase() === fromNick.toLowerCase() && pred(e.message), ms);
      return m.message;
    },
    awayOf(target, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no WHOIS answer for ${target}`)), ms);
        const onWhois = (e: { nick?: string; away?: string }) => {
          if ((e.nick ?? '').toLowerCase() !== target.toLowerCase()) return;
          clearTimeout(t);
          wire.client.removeListener('whois', onWhois);
          resolve(e.away ? e.away : null);
        };
        wire.client.on('whois', onWhois);
        wire.client.raw('WHOIS', target);
      });
    },
    stop: () => wire.close(),
  };
}
