/**
 * Issue 9, guarantee 6 ("5,000 contacts"), promoted from tests/soak/irc-ison.soak.ts: on an IRC server
 * without MONITOR (ngircd) a long buddy list is polled with ISON lines that each fit the 512-byte
 * limit; one long line made ngircd answer "Request too long" and drop the account at every poll.
 * (The MONITOR side — lines packed by bytes, ERR_MONLISTFULL falling back to ISON — is in
 * tests/irc/presence.test.ts against InspIRCd.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { tempDir } from '../harness/util';
import { ircConfig, sleep, startEngine, times, type Eng } from './lib';

let irc: IrcServer;
let eng: Eng;
const tmp = tempDir('rel-irc-ison');
beforeAll(async () => {
  irc = await startNgircd();
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
});
afterAll(async () => {
  await eng?.proc.close();
  await irc?.stop();
  tmp.remove();
});

describe('many IRC contacts on a server without MONITOR', () => {
  const count = times(80, 200);
  it(`${count} watched nicks (several ISON lines) keep the account online across polls`, async () => {
    const acc = await eng.call('accounts.add', { protocol: 'irc', config: ircConfig(irc.port, `ison${randomBytes(2).toString('hex')}`, { isonIntervalMs: 300 }) });
    await eng.waitEvent('accounts.changed', (a) => a.id === acc.id && a.state === 'online');
    const mark = eng.events.length;
    const errors: string[] = [];
    for (let i = 0; i < count; i++) {
      // ~20 bytes each: the whole list is several times the 512-byte line limit
      const r = await eng.raw('contacts.add', { accountId: acc.id, address: `watched${String(i).padStart(4, '0')}buddynick` });
      if (!r.ok) errors.push(r.error.message);
    }
    await sleep(3000); // ~10 ISON polls of the full list
    const drops = eng.events.slice(mark).filter((e) => e.type === 'accounts.changed' && e.payload.id === acc.id && e.payload.state !== 'online').map((e) => (e.type === 'accounts.changed' ? `${e.payload.state}: ${e.payload.error?.message ?? ''}` : ''));
    expect({ errors: errors.slice(0, 3), drops: drops.slice(0, 3) }).toEqual({ errors: [], drops: [] });
  });
});
