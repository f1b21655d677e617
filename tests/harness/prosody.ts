/**
 * A real Prosody 0.12 (Debian) for tests: config + data in a temp dir, random 127.0.0.1 ports,
 * STARTTLS (required) and direct TLS with a certificate from a per-run test CA, SCRAM, roster, MUC
 * with MAM, MAM, carbons, stream management, PEP bookmarks, HTTP file share, users per run.
 *
 * Interop: with XMPP_TEST_SERVER=host:port (and XMPP_TEST_DOMAIN, XMPP_TEST_MUC,
 * XMPP_TEST_USERS=alice:pw,bob:pw,carol:pw, XMPP_TEST_CA=pem-file) nothing is started and the
 * external server is described instead (createUser/restart are then unavailable).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTestCA, type TestCA } from './ca';
import { freePort, LOOPBACK, sleep, startProcess, tempDir, waitForPort, type Running } from './util';

const run = promisify(execFile);

export interface XmppTestUser {
  /** bare JID */
  jid: string;
  /** localpart */
  name: string;
  password: string;
}

export interface ProsodyComponent {
  /** component JID, e.g. irc.confab.test */
  domain: string;
  secret: string;
}

export interface ProsodyOptions {
  /** XMPP domain (default confab.test) */
  domain?: string;
  /** external components (XEP-0114) to declare, e.g. biboumi */
  components?: { name: string }[];
  /** names in the server certificate (default: the domain and *.domain); for certificate-mismatch tests */
  certNames?: string[];
  /** extra global Lua config lines */
  extraConfig?: string;
}

export interface ProsodyServer {
  host: string;
  /** c2s port (STARTTLS, required) */
  port: number;
  /** direct TLS c2s port (XEP-0368); undefined for an external server without XMPP_TEST_TLS_PORT */
  tlsPort?: number;
  domain: string;
  mucDomain: string;
  uploadDomain?: string;
  /** HTTP port of http_file_share (loopback) */
  httpPort?: number;
  /** XEP-0114 component port and the declared components */
  componentPort?: number;
  components: Record<string, ProsodyComponent>;
  /** null for an external server */
  ca: TestCA | null;
  caPem: string;
  /** SHA-256 (hex) of the server certificate, for pin tests (harness only) */
  certSha256?: string;
  users: { alice: XmppTestUser; bob: XmppTestUser; carol: XmppTestUser };
  /** true when this is an XMPP_TEST_SERVER, not the harness's own Prosody */
  external: boolean;
  createUser(name: string, password?: string): Promise<XmppTestUser>;
  /**
   * replaces a user's stored roster (Prosody's internal storage file), e.g. with 50,000 entries;
   * Prosody reads it at that user's next login (write it while the user is offline)
   */
  writeRoster(user: XmppTestUser, items: RosterEntry[]): void;
  /** Prosody's data folder (internal storage: rosters, archives, offline messages); undefined for an external server */
  dataDir?: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** recent server log (info level; never stanza contents) */
  log(): string;
}

export interface RosterEntry {
  jid: string;
  name?: string;
  groups?: string[];
  subscription?: 'none' | 'to' | 'from' | 'both';
}

const pw = () => randomBytes(12).toString('base64url');

/** Prosody's datamanager encodes every byte outside [a-zA-Z0-9] of a store path as %xx */
const encodePath = (s: string) => s.replace(/[^a-zA-Z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** a roster as Prosody's internal storage writes it: a Lua table keyed by JID, [false] = metadata */
export function rosterLua(items: RosterEntry[]): string {
  const q = (v: string) => JSON.stringify(v); // a JSON string literal is a valid Lua string for these
  const parts = ['return {', '\t[false] = { ["version"] = 1; ["pending"] = {}; };'];
  for (const it of items) {
    const groups = (it.groups ?? []).map((g) => `[${q(g)}] = true;`).join(' ');
    parts.push(`\t[${q(it.jid)}] = { ["subscription"] = ${q(it.subscription ?? 'both')}; ${it.name !== undefined ? `["name"] = ${q(it.name)}; ` : ''}["groups"] = { ${groups} }; };`);
  }
  parts.push('};', '');
  return parts.join('\n');
}

class PortTaken extends Error {
  constructor(log: string) {
    super(`prosody could not bind a port: ${log.match(/.*Failed to open server port.*/i)?.[0] ?? ''}`);
  }
}

function externalServer(): ProsodyServer | null {
  const srv = process.env.XMPP_TEST_SERVER;
  if (!srv) return null;
  const [h, p] = srv.split(':');
  const domain = process.env.XMPP_TEST_DOMAIN ?? h ?? 'localhost';
  const usersEnv = (process.env.XMPP_TEST_USERS ?? '').split(',').filter(Boolean).map((s) => {
    const i = s.indexOf(':');
    return { name: s.slice(0, i), password: s.slice(i + 1) };
  });
  if (usersEnv.length < 3) throw new Error('XMPP_TEST_USERS must list three accounts: alice:pw,bob:pw,carol:pw');
  const mk = (u: { name: string; password: string }): XmppTestUser => ({ name: u.name, jid: `${u.name}@${domain}`, password: u.password });
  const caFile = process.env.XMPP_TEST_CA;
  const tlsPort = process.env.XMPP_TEST_TLS_PORT ? Number(process.env.XMPP_TEST_TLS_PORT) : undefined;
  return {
    host: h ?? LOOPBACK,
    port: Number(p ?? 5222),
    ...(tlsPort ? { tlsPort } : {}),
    domain,
    mucDomain: process.env.XMPP_TEST_MUC ?? `conference.${domain}`,
    components: {},
    ca: null,
    caPem: caFile ? readFileSync(caFile, 'utf8') : '',
    users: { alice: mk(usersEnv[0]!), bob: mk(usersEnv[1]!), carol: mk(usersEnv[2]!) },
    external: true,
    writeRoster: () => { throw new Error('writeRoster is not available against an external XMPP_TEST_SERVER'); },
    createUser: () => Promise.reject(new Error('createUser is not available against an external XMPP_TEST_SERVER')),
    restart: () => Promise.reject(new Error('restart is not available against an external XMPP_TEST_SERVER')),
    stop: async () => {},
    log: () => '',
  };
}

/** Starts Prosody (or describes the external XMPP_TEST_SERVER). Always call stop() in afterAll. */
export async function startProsody(opts: ProsodyOptions = {}): Promise<ProsodyServer> {
  const ext = externalServer();
  if (ext) return ext;

  const domain = opts.domain ?? 'confab.test';
  const mucDomain = `conference.${domain}`;
  const uploadDomain = `upload.${domain}`;
  const dir = tempDir('prosody');
  const dataDir = join(dir.path, 'data');
  mkdirSync(dataDir, { mode: 0o750 });
  const ca = makeTestCA(dir.path);
  const cert = ca.issue(opts.certNames?.[0] ?? domain, opts.certNames ?? [domain, `*.${domain}`]);
  let [port, tlsPort, httpPort, componentPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const components: Record<string, ProsodyComponent> = {};
  for (const c of opts.components ?? []) components[c.name] = { domain: `${c.name}.${domain}`, secret: pw() };

  const cfgFile = join(dir.path, 'prosody.cfg.lua');
  const lua = (s: string) => JSON.stringify(s);
  const config = () => `
-- generated by tests/harness/prosody.ts
run_as_root = true
daemonize = false
pidfile = ${lua(join(dir.path, 'prosody.pid'))}
data_path = ${lua(dataDir)}
plugin_paths = {}
certificates = ${lua(dir.path)}
log = { { levels = { min = "info" }, to = "console" } }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
c2s_interfaces = { "127.0.0.1" }
c2s_direct_tls_ports = { ${tlsPort} }
c2s_direct_tls_interfaces = { "127.0.0.1" }
s2s_ports = { }
s2s_direct_tls_ports = { }
component_ports = { ${componentPort} }
component_interface = "127.0.0.1"
component_interfaces = { "127.0.0.1" }
http_ports = { ${httpPort} }
http_interfaces = { "127.0.0.1" }
https_ports = { }
http_external_url = "http://127.0.0.1:${httpPort}/"
modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "carbons"; "pep"; "private"; "bookmarks"; "vcard_legacy";
  "mam"; "smacks"; "ping"; "time"; "version"; "blocklist"; "lastactivity"; "http";
}
modules_disabled = { "s2s" }
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
storage = "internal"
archive_expires_after = "1d"
default_archive_policy = true
max_archive_query_results = 50
smacks_hibernation_time = 120
smacks_max_unacked_stanzas = 0
limits = { c2s = { rate = "100mb/s" }; }
ssl = { certificate = ${lua(cert.certFile)}; key = ${lua(cert.keyFile)}; }
${opts.extraConfig ?? ''}

VirtualHost ${lua(domain)}
  ssl = { certificate = ${lua(cert.certFile)}; key = ${lua(cert.keyFile)}; }

Component ${lua(mucDomain)} "muc"
  modules_enabled = { "muc_mam" }
  restrict_room_creation = false
  muc_log_by_default = true
  muc_log_all_rooms = true
  max_history_messages = 50

Component ${lua(uploadDomain)} "http_file_share"
  http_host = "127.0.0.1"
  http_file_share_size_limit = 10485760
  http_file_share_expires_after = 3600

${Object.values(components).map((c) => `Component ${lua(c.domain)}\n  component_secret = ${lua(c.secret)}\n`).join('\n')}
`;
  writeFileSync(cfgFile, config(), { mode: 0o644 });

  const prosodyctl = async (...args: string[]) => {
    await run('prosodyctl', ['--config', cfgFile, ...args], { env: { ...process.env, LANG: 'C.UTF-8' } });
  };
  const createUser = async (name: string, password = pw()): Promise<XmppTestUser> => {
    await prosodyctl('register', name, domain, password);
    return { name, jid: `${name}@${domain}`, password };
  };
  const users = {
    alice: await createUser('alice'),
    bob: await createUser('bob'),
    carol: await createUser('carol'),
  };

  let proc: Running | null = null;
  let pastLog = '';
  const launch = async () => {
    const p = startProcess('prosody', ['--config', cfgFile, '-F'], { cwd: dir.path, env: { ...process.env, LANG: 'C.UTF-8' } });
    proc = p;
    try {
      // every listener activated (in no fixed order), or a bind failure logged
      const services = ['c2s', 'c2s_direct_tls', 'http', ...(Object.keys(components).length ? ['component'] : [])];
      const deadline = Date.now() + 20_000;
      for (;;) {
        const out = p.output();
        if (/Failed to open server port/i.test(out)) throw new PortTaken(out);
        if (services.every((svc) => out.includes(`Activated service '${svc}' on`))) break;
        if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`listeners not activated: ${services.filter((svc) => !out.includes(`Activated service '${svc}' on`)).join(', ')}`);
        await sleep(50);
      }
      await waitForPort(port, 20_000);
      await waitForPort(tlsPort, 20_000);
      await waitForPort(httpPort, 20_000);
      if (Object.keys(components).length) await waitForPort(componentPort, 20_000);
    } catch (err) {
      const out = p.output();
      await p.stop();
      proc = null;
      if (err instanceof PortTaken) throw err;
      throw new Error(`prosody did not start: ${String(err)}\n${out.slice(-3000)}`);
    }
  };
  // random ports can be taken by a parallel test between freePort() and Prosody's bind: retry with new ones
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= 3) {
        dir.remove();
        throw err;
      }
      [port, tlsPort, httpPort, componentPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
      writeFileSync(cfgFile, config(), { mode: 0o644 });
    }
  }

  const stopProc = async () => {
    if (proc) {
      pastLog += proc.output();
      await proc.stop();
      proc = null;
    }
  };

  return {
    host: LOOPBACK,
    port,
    tlsPort,
    domain,
    mucDomain,
    uploadDomain,
    httpPort,
    componentPort,
    components,
    ca,
    caPem: ca.certPem,
    certSha256: cert.sha256,
    users,
    external: false,
    dataDir,
    createUser,
    writeRoster(user, items) {
      const dir = join(dataDir, encodePath(domain), 'roster');
      mkdirSync(dir, { recursive: true, mode: 0o750 });
      writeFileSync(join(dir, `${encodePath(user.name)}.dat`), rosterLua(items), { mode: 0o640 });
    },
    async restart() {
      await stopProc();
      await launch();
    },
    async stop() {
      await stopProc();
      dir.remove();
    },
    log: () => pastLog + ((proc as Running | null)?.output() ?? ''),
  };
}
