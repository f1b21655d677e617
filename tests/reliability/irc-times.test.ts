/**
 * Issue 9, guarantee 1 ("timestamps far in the future or past"), promoted from
 * tests/soak/hostile-irc-times.soak.ts: IRCv3 `@time` tags that are garbage, before 2000-01-01 or more
 * than 24 h ahead are replaced by the receive time (protocols/irc/servertime.ts); a sane server time
 * is kept; another account's messages of the same moment are never lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../harness/util';
import { startHostileIrc, type HostileIrc } from './hostile-irc';
import { ircConfig, startEngine, until, type Eng } from './lib';

let hostile: HostileIrc;
let eng: Eng;
const tmp = tempDir('rel-irc-times');
const P = ':mallory!m@evil.example';
const TWO_HOURS_AGO = new Date(Date.now() - 2 * 3600_000);
TWO_HOURS_AGO.setUTCMilliseconds(0);

beforeAll(async () => {
  hostile = await startHostileIrc({
    times(c) {
      // after the bystander's message is on its way, so that both land in the same engine tick
      setTimeout(() => {
        for (const [t, b] of [
          ['9999-12-31T23:59:59.999Z', 'future'],
          ['+275760-09-13T00:00:00.001Z', 'beyond js dates'],
          ['1970-01-01T00:00:00.000Z', 'epoch'],
          ['0001-01-01T00:00:00.000Z', 'year one'],
          ['garbage', 'garbage time'],
          [TWO_HOURS_AGO.toISOString(), 'two hours ago'],
        ]) c.write(`@time=${t} ${P} PRIVMSG ${c.nick} :${b}\r\n`);
        c.write(`${P} PRIVMSG ${c.nick} :times done\r\n`);
      }, 1500);
    },
    bystander(c) {
      setTimeout(() => c.write(`${P} PRIVMSG ${c.nick} :bystander message\r\n`), 1500);
    },
  });
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
});
afterAll(async () => {
  await eng?.proc.close();
  await hostile?.close();
  tmp.remove();
});

describe('out-of-range IRC server-time tags', () => {
  it('are replaced by the receive time, a sane one is kept, and no account loses messages', async () => {
    const start = Date.now();
    await eng.call('accounts.add', { protocol: 'irc', config: ircConfig(hostile.port, `times${randomBytes(2).toString('hex')}`) });
    await eng.call('accounts.add', { protocol: 'irc', config: ircConfig(hostile.port, `bystander${randomBytes(2).toString('hex')}`) });
    const shown = () => eng.events.flatMap((e) => (e.type === 'messages.added' ? e.payload.messages : []));
    await until(() => shown().some((m) => m.body === 'times done') && shown().some((m) => m.body === 'bystander message'), 'both scenarios finished', 20_000).catch(() => undefined);
    const end = Date.now();
    const byBody = new Map(shown().map((m) => [m.body, m.time]));
    const bad = ['future', 'beyond js dates', 'epoch', 'year one', 'garbage time'];
    expect({
      bystander: byBody.has('bystander message'),
      missing: [...bad, 'two hours ago', 'times done'].filter((b) => !byBody.has(b)),
      // each bad time became a time between the start of this test and now
      notReceiveTime: bad.filter((b) => { const t = byBody.get(b); return t === undefined || t < start || t > end; }),
      sane: byBody.get('two hours ago'),
      uncaught: /uncaught exception/.test(eng.stderr()),
    }).toEqual({ bystander: true, missing: [], notReceiveTime: [], sane: TWO_HOURS_AGO.getTime(), uncaught: false });
  });
});
