/**
 * biboumi (XMPP ↔ IRC gateway, Debian package) attached to the harness's Prosody as an external
 * component (XEP-0114) on loopback. Prosody must have been started with
 * `startProsody({ components: [{ name: 'irc' }] })`; the gateway then answers at irc.<domain>.
 * IRC channels are MUC rooms: `#channel%<irc-host>@irc.<domain>`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProsodyServer } from './prosody';
import { startProcess, tempDir, waitForOutput, type Running } from './util';

export interface BiboumiGateway {
  /** component JID, e.g. irc.confab.test */
  jid: string;
  stop(): Promise<void>;
  log(): string;
}

export async function startBiboumi(prosody: ProsodyServer, opts: { component?: string } = {}): Promise<BiboumiGateway> {
  const comp = prosody.components[opts.component ?? 'irc'];
  if (!comp || !prosody.componentPort) throw new Error('startBiboumi: start Prosody with components: [{ name: "irc" }]');
  const dir = tempDir('biboumi');
  const cfg = join(dir.path, 'biboumi.cfg');
  writeFileSync(cfg, [
    `hostname=${comp.domain}`,
    `password=${comp.secret}`,
    'xmpp_server_ip=127.0.0.1',
    `port=${prosody.componentPort}`,
    `db_name=${join(dir.path, 'biboumi.sqlite')}`,
    'identd_port=0',
    'realname_customization=true',
    'realname_from_jid=false',
    'log_level=1',
    `policy_directory=${dir.path}`,
    '',
  ].join('\n'), { mode: 0o600 });
  let proc: Running | null = startProcess('biboumi', [cfg], { cwd: dir.path });
  try {
    await waitForOutput(proc, /Authenticated with the XMPP server|connected to the XMPP server|Component.*authenticated/i, 20_000);
  } catch (err) {
    const out = proc.output();
    await proc.stop();
    dir.remove();
    throw new Error(`biboumi did not connect to Prosody: ${(err as Error).message}\n${out.slice(-2000)}`);
  }
  return {
    jid: comp.domain,
    log: () => proc?.output() ?? '',
    async stop() {
      await proc?.stop();
      proc = null;
      dir.remove();
    },
  };
}
