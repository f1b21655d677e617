/**
 * Test helper: raw irc-framework clients (no adapter) connected through Confab's transport, so the
 * harness can prove that two clients exchange messages on each server, optionally through a proxy or TLS.
 */
import { IrcFrameworkClient, type IrcClient, type MessageEvent } from '../../protocols/irc/wire';
import { ConfabTransport, openSocket, type TransportConfig } from '../../protocols/irc/transport';

export interface WireClient {
  client: IrcClient;
  nick: string;
  /** resolves with the next PRIVMSG / NOTICE matching pred */
  nextMessage(pred?: (m: MessageEvent) => boolean, timeoutMs?: number): Promise<MessageEvent>;
  close(): void;
}

let counter = 0;
export function uniqueNick(base: string): string {
  counter++;
  return `${base}${process.pid % 1000}${counter}`.slice(0, 16);
}

export async function wireClient(cfg: TransportConfig & { nick: string; password?: string; caps?: string[] }, timeoutMs = 15_000): Promise<WireClient> {
  const client = new IrcFrameworkClient();
  const waiting: { pred: (m: MessageEvent) => boolean; resolve: (m: MessageEvent) => void }[] = [];
  const seen: MessageEvent[] = [];
  client.on('message', (m: MessageEvent) => {
    const i = waiting.findIndex((w) => w.pred(m));
    if (i >= 0) { const [w] = waiting.splice(i, 1); w!.resolve(m); } else seen.push(m);
  });
  if (cfg.caps?.length) client.requestCap(cfg.caps);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${cfg.nick} did not register on ${cfg.host}:${cfg.port}`)), timeoutMs);
    let failure: Error | undefined;
    client.once('registered', () => { clearTimeout(t); resolve(); });
    client.once('close', () => { clearTimeout(t); reject(failure ?? new Error(`${cfg.nick}: connection closed before registration`)); });
    client.connect({
      host: cfg.host, port: cfg.port, nick: cfg.nick, username: cfg.nick, gecos: 'confab test',
      ...(cfg.password ? { password: cfg.password } : {}),
      auto_reconnect: false, transport: ConfabTransport,
      confabOpen: () => openSocket(cfg),
      confabOnError: (e: Error) => { failure = e; },
    });
  });
  return {
    client,
    nick: client.user.nick,
    nextMessage(pred = () => true, ms = 10_000) {
      const i = seen.findIndex(pred);
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${cfg.nick}: no matching message within ${ms} ms`)), ms);
        waiting.push({ pred, resolve: (m) => { clearTimeout(t); resolve(m); } });
      });
    },
    close() {
      try { client.quit('bye'); } catch { /* closed */ }
      setTimeout(() => { try { client.connection.end(undefined, true); } catch { /* closed */ } }, 100);
    },
  };
}

/** a says something to b; resolves with what b received */
export async function exchange(a: WireClient, b: WireClient, text: string): Promise<MessageEvent> {
  const got = b.nextMessage((m) => m.message === text && m.nick === a.client.user.nick);
  a.client.say(b.client.user.nick, text);
  return got;
}
