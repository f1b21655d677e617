import { describe, expect, it } from 'vitest';
import { connect as tlsConnect, createServer } from 'node:tls';
import { makeTestCA } from '../harness/ca';
import { freePort, tempDir, LOOPBACK } from '../harness/util';

describe('harness test CA', () => {
  it('issues a server certificate that verifies against the CA and fails without it', async () => {
    const dir = tempDir('ca');
    try {
      const ca = makeTestCA(dir.path);
      const cert = ca.issue('localhost', ['localhost', '127.0.0.1']);
      const port = await freePort();
      const srv = createServer({ key: cert.keyPem, cert: cert.certPem }, (s) => s.end('hi'));
      await new Promise<void>((r) => srv.listen(port, LOOPBACK, () => r()));
      const attempt = (ca?: string) => new Promise<string>((resolve) => {
        const s = tlsConnect({ host: LOOPBACK, port, servername: 'localhost', ...(ca ? { ca } : {}) });
        s.once('secureConnect', () => { s.destroy(); resolve('ok'); });
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      expect(await attempt(ca.certPem)).toBe('ok');
      expect(await attempt()).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
      expect(cert.sha256).toMatch(/^[0-9a-f]{64}$/);
      await new Promise<void>((r) => srv.close(() => r()));
    } finally {
      dir.remove();
    }
  });
});
