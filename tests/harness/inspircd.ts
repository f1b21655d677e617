/**
 * InspIRCd 3 (IRCv3 capabilities, TLS with a per-run test CA, MONITOR) on random 127.0.0.1 ports,
 * run as the `irc` user (it refuses root), optionally linked to atheme-services for SASL PLAIN and
 * NickServ (`services: true`, `accounts` registered before start() resolves).
 * With IRC_TEST_SERVER set, the external server is returned instead (see ngircd.ts).
 */
import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { execFileSync } from 'node:child_process';
import { makeTestCA } from './ca';
import { freePort, killGroup, LOOPBACK, startProcess, tempDir, waitForOutput, waitForPort, type Running } from './util';
import { externalIrcServer, type IrcServer } from './ngircd';
import { startAtheme, type AthemeServices } from './atheme';

export interface InspircdOptions {
  /** link atheme-services (SASL PLAIN + NickServ) */
  services?: boolean;
  /** accounts registered with NickServ before start resolves (implies services) */
  accounts?: { name: string; password: string }[];
  /** server password required from clients */
  password?: string;
  /** extra raw config appended */
  extraConfig?: string;
  /** leave these modules out (e.g. ['ircv3_echomessage'] to test the no-echo path) */
  withoutModules?: string[];
  /** real-network flood protection: `commandsPerSecond` allowed, then disconnect ("Excess Flood") past `threshold` */
  strictFlood?: { commandsPerSecond: number; threshold: number };
  /** size of each client's MONITOR list (advertised as MONITOR=N); default 100 */
  monitorLimit?: number;
}

export interface InspircdServer extends IrcServer {
  services?: AthemeServices;
}

const MODULES = [
  'ssl_gnutls', 'cap', 'ircv3', 'ircv3_accounttag', 'ircv3_batch', 'ircv3_capnotify', 'ircv3_chghost', 'ircv3_ctctags',
  'ircv3_echomessage', 'ircv3_invitenotify', 'ircv3_labeledresponse', 'ircv3_msgid', 'ircv3_servertime', 'monitor',
  'namesx', 'uhnames', 'setname', 'chghost', 'sasl', 'services_account', 'spanningtree', 'alias', 'hidechans',
];

export function ircUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'irc']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'irc']).toString().trim());
  return { uid, gid };
}

export async function startInspircd(opts: InspircdOptions = {}): Promise<InspircdServer> {
  const ext = externalIrcServer();
  if (ext) return ext;
  const wantServices = opts.services || (opts.accounts?.length ?? 0) > 0;
  const dir = tempDir('inspircd');
  const ca = makeTestCA(dir.path);
  const cert = ca.issue('localhost', ['localhost', LOOPBACK]);
  const port = await freePort();
  const tlsPort = await freePort();
  const linkPort = await freePort();
  const name = 'irc.confab.test';
  const servicesName = 'services.confab.test';
  const linkSend = 'link-' + Math.random().toString(36).slice(2);
  const linkRecv = 'link-' + Math.random().toString(36).slice(2);
  const modules = MODULES.filter((m) => !(opts.withoutModules ?? []).includes(m));
  const conf = `<server name="${name}" description="Confab test server" network="ConfabTest">
<admin name="Confab" nick="confab" email="confab@localhost">
<bind address="${LOOPBACK}" port="${port}" type="clients">
<bind address="${LOOPBACK}" port="${tlsPort}" type="clients" sslprofile="Clients">
${wantServices ? `<bind address="${LOOPBACK}" port="${linkPort}" type="servers">` : ''}
<sslprofile name="Clients" provider="gnutls" certfile="${cert.certFile}" keyfile="${cert.keyFile}" hash="sha256" requestclientcert="no">
<connect allow="*" timeout="60" pingfreq="120" hardsendq="2097152" softsendq="65536" recvq="65536"
  localmax="1000" globalmax="1000" useident="no" resolvehostnames="no" limit="5000" maxchans="100" fakelag="no"
  ${opts.strictFlood ? `threshold="${opts.strictFlood.threshold}" commandrate="${opts.strictFlood.commandsPerSecond * 1000}"` : 'threshold="1000" commandrate="1000000"'}
  ${opts.password ? `password="${opts.password}"` : ''}>
<dns server="${LOOPBACK}" timeout="1">
<pid file="${join(dir.path, 'inspircd.pid')}">
<files motd="${join(dir.path, 'motd')}">
<channels users="100" opers="100">
<options prefixquit="Quit: " syntaxhints="no" announcets="yes" hostintopic="yes" pingwarning="15" splitwhois="no" defaultmodes="not">
<security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no" hideulines="no" hidebans="no" maxtargets="20" announceinvites="dynamic">
<performance quietbursts="yes" softlimit="1024" somaxconn="128" netbuffersize="10240" clonesonconnect="no">
<whowas groupsize="10" maxgroups="1000" maxkeep="3d">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="11" maxhost="64" maxquit="255" maxtopic="307" maxkick="255" maxreal="128" maxgecos="128" maxaway="200">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${join(dir.path, 'ircd.log')}">
${modules.map((m) => `<module name="${m}">`).join('\n')}
<ircv3 accountnotify="yes" awaynotify="yes" extendedjoin="yes">
<monitor maxentries="${opts.monitorLimit ?? 100}">
<ctctags allowclientonlytags="yes">
<sasl target="${servicesName}" requiressl="no">
${wantServices ? `<link name="${servicesName}" ipaddr="${LOOPBACK}" port="${linkPort}" allowmask="127.0.0.0/8" sendpass="${linkRecv}" recvpass="${linkSend}">
<uline server="${servicesName}" silent="yes">
<alias text="NICKSERV" replace="PRIVMSG NickServ :$2-" requires="NickServ" uline="yes">
<alias text="NS" replace="PRIVMSG NickServ :$2-" requires="NickServ" uline="yes">` : ''}
${opts.extraConfig ?? ''}
`;
  writeFileSync(join(dir.path, 'motd'), 'Confab test server\n');
  const confFile = join(dir.path, 'inspircd.conf');
  writeFileSync(confFile, conf);
  const asRoot = userInfo().uid === 0;
  const ids = asRoot ? ircUserIds() : undefined;
  if (ids) chownSync(dir.path, ids.uid, ids.gid);
  const launch = () => startProcess('inspircd', ['--config', confFile, '--nofork', '--nopid'], ids ? { uid: ids.uid, gid: ids.gid, cwd: dir.path } : { cwd: dir.path });
  let proc = launch();
  let services: AthemeServices | undefined;
  const cleanup = async () => {
    await services?.stop();
    await proc.stop();
    dir.remove();
  };
  try {
    await waitForPort(port);
    await waitForPort(tlsPort);
    if (wantServices) {
      services = await startAtheme({
        uplinkName: name, uplinkPort: linkPort, serverName: servicesName,
        sendPassword: linkSend, receivePassword: linkRecv,
      });
      await waitForLink(proc, services);
      if (opts.accounts?.length) await services.register(LOOPBACK, port, opts.accounts);
    }
  } catch (err) {
    const out = proc.output().slice(-3000);
    await cleanup();
    throw new Error(`inspircd did not start: ${(err as Error).message}\n${out}`);
  }
  return {
    host: LOOPBACK, port, tlsPort, caPem: ca.certPem, ca: ca.certPem, certSha256: cert.sha256, name, external: false,
    ...(services ? { services } : {}),
    // atheme (when linked) reconnects by itself after its uplink comes back (recontime)
    async restart(o = {}) {
      if (o.hard) killGroup(proc);
      await proc.stop();
      proc = launch();
      try {
        await waitForPort(port);
        await waitForPort(tlsPort);
      } catch (err) {
        throw new Error(`inspircd did not restart: ${(err as Error).message}\n${proc.output().slice(-3000)}`);
      }
    },
    stop: cleanup,
  };
}

async function waitForLink(_proc: Running, services: AthemeServices): Promise<void> {
  await waitForOutput(services.process, /finished synching|synched|burst/i, 30_000).catch(() => undefined);
  await services.waitLinked();
}
