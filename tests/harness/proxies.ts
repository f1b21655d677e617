/**
 * The office proxies: microsocks (SOCKS5) and tinyproxy (HTTP CONNECT), on random 127.0.0.1 ports,
 * each allowing connections to loopback only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, LOOPBACK, startProcess, tempDir, waitForPort } from './util';

export interface ProxyServer {
  host: string;
  port: number;
  /** set when the proxy requires authentication */
  user?: string;
  password?: string;
  stop(): Promise<void>;
}

export async function startSocks5(opts: { user?: string; password?: string } = {}): Promise<ProxyServer> {
  const port = await freePort();
  const args = ['-i', LOOPBACK, '-p', String(port), '-b', LOOPBACK];
  if (opts.user && opts.password) args.push('-u', opts.user, '-P', opts.password);
  const proc = startProcess('microsocks', args);
  await waitForPort(port).catch(async (err) => { await proc.stop(); throw new Error(`microsocks did not start: ${err.message} ${proc.output()}`); });
  return { host: LOOPBACK, port, ...(opts.user ? { user: opts.user, password: opts.password } : {}), stop: () => proc.stop() };
}

export async function startHttpConnect(): Promise<ProxyServer> {
  const dir = tempDir('tinyproxy');
  const port = await freePort();
  const conf = `Port ${port}
Listen ${LOOPBACK}
Timeout 600
MaxClients 100
Allow 127.0.0.1
ConnectPort 0
DisableViaHeader Yes
LogLevel Info
`;
  // "ConnectPort 0"? tinyproxy: without any ConnectPort line every port is allowed for CONNECT.
  const confFile = join(dir.path, 'tinyproxy.conf');
  writeFileSync(confFile, conf.replace('ConnectPort 0\n', ''));
  const proc = startProcess('tinyproxy', ['-d', '-c', confFile]);
  try {
    await waitForPort(port);
  } catch (err) {
    await proc.stop();
    dir.remove();
    throw new Error(`tinyproxy did not start: ${(err as Error).message}\n${proc.output().slice(-2000)}`);
  }
  return { host: LOOPBACK, port, async stop() { await proc.stop(); dir.remove(); } };
}
