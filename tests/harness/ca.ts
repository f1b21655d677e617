/**
 * A per-run test certificate authority made with the openssl CLI, and server certificates it issues.
 * Tests trust exactly this CA; verification is never turned off.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCA {
  dir: string;
  certFile: string;
  keyFile: string;
  certPem: string;
  issue(name: string, altNames: string[]): ServerCert;
}

export interface ServerCert {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER certificate, hex lowercase without colons (what users pin) */
  sha256: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export function fingerprint(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

/** Creates a CA in `dir` (which must exist). Files are world-readable so servers that drop root can read them. */
export function makeTestCA(dir: string, name = 'Confab Test CA'): TestCA {
  const keyFile = join(dir, 'ca.key');
  const certFile = join(dir, 'ca.pem');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  chmodSync(keyFile, 0o644);
  const certPem = readFileSync(certFile, 'utf8');
  let serial = 1;
  return {
    dir, certFile, keyFile, certPem,
    issue(cn: string, altNames: string[]): ServerCert {
      const base = join(dir, `${cn.replace(/[^a-z0-9.-]/gi, '_')}-${serial++}`);
      const key = `${base}.key`, csr = `${base}.csr`, crt = `${base}.pem`, ext = `${base}.ext`;
      const sans = altNames.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      writeFileSync(ext, `subjectAltName=${sans}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`], dir);
      openssl(['x509', '-req', '-in', csr, '-CA', certFile, '-CAkey', keyFile, '-CAcreateserial', '-out', crt, '-days', '2', '-extfile', ext], dir);
      chmodSync(key, 0o644);
      const pem = readFileSync(crt, 'utf8');
      return { certFile: crt, keyFile: key, certPem: pem, keyPem: readFileSync(key, 'utf8'), sha256: fingerprint(pem) };
    },
  };
}
