/**
 * ngIRCd (plain IRC, RFC 2812 + a few CAPs) on random 127.0.0.1 ports: one plain port and one TLS port
 * with a certificate issued by a per-run test CA. `IRC_TEST_SERVER=host:port` (+ IRC_TEST_TLS_PORT,
 * IRC_TEST_CA) points the IRC suites at an external server instead (stop() is then a no-op).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestCA } from './ca';
import { freePort, killGroup, LOOPBACK, startProcess, tempDir, waitForPort } from './util';

export interface IrcServer {
  host: string;
  port: number;
  /** TLS port (0 when the server has none) */
  tlsPort: number;
  /** PEM of the CA that issued the TLS certificate ('' when unknown) */
  caPem: string;
  /** alias of caPem */
  ca: string;
  /** SHA-256 (hex, lowercase, no colons) of the server's TLS leaf certificate, '' when unknown */
  certSha256: string;
  /** server name as announced */
  name: string;
  /** true when this is an external server from IRC_TEST_SERVER */
  external: boolean;
  /**
   * stops the server process (SIGTERM, or SIGKILL with `hard`: a crash) and starts it again on the
   * same ports (harness servers only)
   */
  restart?(opts?: { hard?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export interface NgircdOptions {
  /** server password (PASS) required from clients */
  password?: string;
  /** extra lines appended to [Options] */
  options?: string[];
  /** channels predefined in the config: [Channel] blocks */
  channels?: { name: string; modes?: string; topic?: string }[];
  /** max nick length (default 30) */
  maxNickLength?: number;
}

/** The external server from IRC_TEST_SERVER, or undefined. */
export function externalIrcServer(): IrcServer | undefined {
  const spec = process.env.IRC_TEST_SERVER;
  if (!spec) return undefined;
  const [host = LOOPBACK, portStr = '6667'] = spec.split(':');
  const caFile = process.env.IRC_TEST_CA;
  const caPem = caFile ? readFileSync(caFile, 'utf8') : '';
  return {
    host, port: Number(portStr), tlsPort: Number(process.env.IRC_TEST_TLS_PORT ?? 0), caPem, ca: caPem, certSha256: '',
    name: host, external: true, stop: async () => {},
  };
}

export async function startNgircd(opts: NgircdOptions = {}): Promise<IrcServer> {
  const ext = externalIrcServer();
  if (ext) return ext;
  const dir = tempDir('ngircd');
  const ca = makeTestCA(dir.path);
  const cert = ca.issue('localhost', ['localhost', LOOPBACK]);
  const port = await freePort();
  const tlsPort = await freePort();
  const name = 'ngircd.confab.test';
  const motd = join(dir.path, 'motd');
  writeFileSync(motd, 'Confab test server\n');
  const channels = (opts.channels ?? []).map((c) => `[Channel]\n\tName = ${c.name}\n${c.modes ? `\tModes = ${c.modes}\n` : ''}${c.topic ? `\tTopic = ${c.topic}\n` : ''}`).join('');
  const conf = `[Global]
\tName = ${name}
\tInfo = Confab test server
\tListen = ${LOOPBACK}
\tPorts = ${port}
\tMotdFile = ${motd}
\tPidFile = ${join(dir.path, 'ngircd.pid')}
${opts.password ? `\tPassword = ${opts.password}\n` : ''}\tNetwork = ConfabTest
[Limits]
\tMaxConnectionsIP = 0
\tMaxConnections = 0
\tMaxJoins = 0
\tMaxNickLength = ${opts.maxNickLength ?? 30}
\tPingTimeout = 120
\tPongTimeout = 60
\tMaxPenaltyTime = 0
[Options]
\tDNS = no
\tIdent = no
\tPAM = no
\tOperCanUseMode = yes
${(opts.options ?? []).map((l) => `\t${l}\n`).join('')}[SSL]
\tCertFile = ${cert.certFile}
\tKeyFile = ${cert.keyFile}
\tPorts = ${tlsPort}
${channels}`;
  const confFile = join(dir.path, 'ngircd.conf');
  writeFileSync(confFile, conf);
  const launch = async () => {
    const p = startProcess('ngircd', ['-n', '-f', confFile]);
    try {
      await waitForPort(port);
      await waitForPort(tlsPort);
    } catch (err) {
      await p.stop();
      throw new Error(`ngircd did not start: ${(err as Error).message}\n${p.output().slice(-2000)}`);
    }
    return p;
  };
  let proc = await launch().catch((err: unknown) => {
    dir.remove();
    throw err;
  });
  return {
    host: LOOPBACK, port, tlsPort, caPem: ca.certPem, ca: ca.certPem, certSha256: cert.sha256, name, external: false,
    async restart(o = {}) {
      if (o.hard) killGroup(proc);
      await proc.stop();
      proc = await launch();
    },
    async stop() {
      await proc.stop();
      dir.remove();
    },
  };
}
