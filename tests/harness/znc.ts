/**
 * ZNC 1.8 (Debian) in front of an IRC server: one ZNC user with one network pointing at `upstream`,
 * a plain listener on a random 127.0.0.1 port. Clients log in with PASS user/network:password.
 * Debian's ZNC has no znc.in/playback: what users get is the buffer replay with server-time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { ircUserIds } from './inspircd';
import { join } from 'node:path';
import { freePort, LOOPBACK, startProcess, tempDir, waitForPort } from './util';

export interface ZncServer {
  host: string;
  port: number;
  user: string;
  network: string;
  password: string;
  /** what a client sends as server password: `user/network:password` */
  serverPassword: string;
  stop(): Promise<void>;
}

export interface ZncOptions {
  upstream: { host: string; port: number };
  /** nick ZNC uses upstream (default: the user name) */
  nick?: string;
  user?: string;
  /** channels ZNC joins upstream and buffers */
  channels?: string[];
  /** AutoClearChanBuffer / AutoClearQueryBuffer (default false so replays repeat on each attach) */
  autoClear?: boolean;
}

export async function startZnc(opts: ZncOptions): Promise<ZncServer> {
  const dir = tempDir('znc');
  mkdirSync(join(dir.path, 'configs'));
  const port = await freePort();
  const user = opts.user ?? 'zuser';
  const network = 'test';
  const password = randomBytes(9).toString('base64url');
  const salt = randomBytes(10).toString('hex');
  const hash = createHash('sha256').update(password + salt).digest('hex');
  const nick = opts.nick ?? user;
  const clear = opts.autoClear ? 'true' : 'false';
  const conf = `Version = 1.8.2
<Listener l>
\tPort = ${port}
\tIPv4 = true
\tIPv6 = false
\tSSL = false
\tHost = ${LOOPBACK}
</Listener>
<User ${user}>
\t<Pass password>
\t\tMethod = sha256
\t\tHash = ${hash}
\t\tSalt = ${salt}
\t</Pass>
\tAdmin = true
\tNick = ${nick}
\tAltNick = ${nick}_
\tIdent = ${user}
\tRealName = ZNC user
\tBuffer = 500
\tAutoClearChanBuffer = ${clear}
\tAutoClearQueryBuffer = ${clear}
\tMaxNetworks = 5
\t<Network ${network}>
\t\tServer = ${opts.upstream.host} ${opts.upstream.port}
${(opts.channels ?? []).map((c) => `\t\t<Chan ${c}>\n\t\t</Chan>\n`).join('')}\t</Network>
</User>
`;
  writeFileSync(join(dir.path, 'configs', 'znc.conf'), conf);
  // ZNC waits 30 s when started as root: run it as the `irc` user like the other servers
  const ids = userInfo().uid === 0 ? ircUserIds() : undefined;
  if (ids) for (const p of [dir.path, join(dir.path, 'configs'), join(dir.path, 'configs', 'znc.conf')]) chownSync(p, ids.uid, ids.gid);
  const proc = startProcess('znc', ['--foreground', '--no-color', '--datadir', dir.path], ids ? { uid: ids.uid, gid: ids.gid, cwd: dir.path, env: { ...process.env, HOME: dir.path } } : {});
  try {
    await waitForPort(port);
  } catch (err) {
    await proc.stop();
    dir.remove();
    throw new Error(`znc did not start: ${(err as Error).message}\n${proc.output().slice(-2000)}`);
  }
  return {
    host: LOOPBACK, port, user, network, password, serverPassword: `${user}/${network}:${password}`,
    async stop() {
      await proc.stop();
      dir.remove();
    },
  };
}
