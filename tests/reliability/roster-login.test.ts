// Issue 9, guarantee 1 "rosters of 50,000 entries", at LOGIN: a real Prosody whose storage holds a
// huge roster for the account (written into Prosody's internal storage before the login), sent by
// Prosody as one roster result when the engine's account connects. The engine process must keep
// answering commands (every ping while the roster arrives gets its reply), stay within a memory
// bound, and the unified contact list must end with every entry (names and groups as stored).
// 2,000 entries in `npm test`; the full 50,000 in `npm run soak` (CONFAB_SOAK=1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { xmppAccountConfig } from '../engine/helpers';
import { startProsody, type ProsodyServer, type RosterEntry } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { sleep, SOAK, startEngine, startPinger, until, type Eng } from './lib';

// not times(): CONFAB_SOAK_ROUNDS counts loops, not entries; CONFAB_ROSTER_ENTRIES overrides (to bisect a limit)
const N = Number(process.env.CONFAB_ROSTER_ENTRIES ?? 0) || (SOAK ? 50_000 : 2_000);
/** a generous bound: the engine idles at ~120 MB; a roster must not multiply that */
const RSS_LIMIT_MB = 1024;
let prosody: ProsodyServer;
let eng: Eng;
const tmp = tempDir('rel-roster-login');

beforeAll(async () => {
  prosody = await startProsody();
  eng = await startEngine(join(tmp.path, 'data'), { unlock: 'create' });
});
afterAll(async () => {
  await eng?.proc.close();
  await prosody?.stop();
  tmp.remove();
});

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

describe(`a ${N.toLocaleString('en')}-entry roster at login (real Prosody)`, () => {
  it('pings answered while it arrives, memory bounded, every entry in the unified list', async () => {
    const me = await prosody.createUser(`big${Date.now() % 100000}`);
    const entries: RosterEntry[] = Array.from({ length: N }, (_, i) => ({
      jid: `c${i}@contacts.example`,
      name: `Contact ${i}`,
      groups: [`Group ${i % 40}`],
      subscription: i % 10 === 0 ? 'both' : 'none',
    }));
    prosody.writeRoster(me, entries);

    const rssBefore = rss(eng.proc.pid);
    let rssPeak = rssBefore;
    const t0 = Date.now();
    const account = await eng.call('accounts.add', { protocol: 'xmpp', label: 'big roster', config: xmppAccountConfig(prosody, me) });
    const pings = { answered: 0, failed: [] as string[] };
    let contacts = 0;
    let state = '';
    const errors = new Set<string>();
    let drops = 0;
    let wasUp = false;
    const deadline = t0 + (N > 10_000 ? 300_000 : 120_000);
    const people = new Set<string>();
    let seen = 0;
    // a second, steady pinger: round trips while the roster is applied (figures only, never asserted;
    // they include the polling loop's one contacts.list call at the end, building the whole list)
    const pinger = startPinger(eng, 100);
    while (Date.now() < deadline) {
      const p = await eng.raw('engine.ping', {});
      if (p.ok) pings.answered++;
      else pings.failed.push(`engine.ping: ${p.error.message}`);
      rssPeak = Math.max(rssPeak, rss(eng.proc.pid));
      // progress from the contacts.changed events; contacts.list (the whole list: a few hundred ms
      // of the engine at 50,000) only once they show every entry
      for (; seen < eng.events.length; seen++) {
        const e = eng.events[seen]!;
        if (e.type === 'contacts.changed' && e.payload.identities.some((id) => id.accountId === account.id)) people.add(e.payload.id);
      }
      if (people.size >= N) {
        const list = await eng.raw('contacts.list', {});
        if (list.ok) contacts = list.value.filter((c) => c.identities.some((id) => id.accountId === account.id)).length;
        else pings.failed.push(`contacts.list: ${list.error.message}`);
      }
      const accs = await eng.raw('accounts.list', {});
      if (!accs.ok) pings.failed.push(`accounts.list: ${accs.error.message}`);
      const acc = accs.ok ? accs.value.find((a) => a.id === account.id) : undefined;
      if (!accs.ok) continue;
      if (acc?.error) errors.add(acc.error.message);
      // a drop after online, or a failed attempt (back to reconnecting after connecting)
      const up = acc?.state === 'online' || acc?.state === 'connecting';
      if (wasUp && !up) drops++;
      wasUp = up;
      state = acc?.state ?? '';
      if (contacts >= N) break;
      // a connection that keeps dropping will not bring the roster: stop early, with the reason
      if (drops >= 5) break;
      await sleep(N > 10_000 ? 1000 : 250);
    }
    const secs = (Date.now() - t0) / 1000;
    console.log(`reliability/roster-login: while the roster arrived: ${await pinger.stop()}`);
    const list = await until(async () => { const r = await eng.raw('contacts.list', {}); return r.ok ? r.value : null; }, 'contacts.list answered', 120_000);
    const mine = list.filter((c) => c.identities.some((id) => id.accountId === account.id));
    const sample = mine.find((c) => c.identities.some((id) => id.address === `c${N - 1}@contacts.example`));
    const rssAfter = rss(eng.proc.pid);
    console.log(`reliability/roster-login: ${N} entries at login → ${mine.length} contacts in ${secs.toFixed(1)} s; pings answered ${pings.answered}; unanswered commands ${pings.failed.length}${pings.failed.length ? ` (${pings.failed[0]})` : ''}; engine RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} → ${rssAfter.toFixed(0)} MB; account ${state}`);
    const errorEvents = eng.events.flatMap((e) => (e.type === 'error' ? [e.payload.message] : []));
    if (mine.length < N) console.log(`reliability/roster-login: account errors ${JSON.stringify([...errors])}; error events ${JSON.stringify(errorEvents.slice(-3))}; connection attempts dropped: ${drops}; engine log: ${eng.stderr().split('\n').filter((l) => /stanza|bytes|too large/i.test(l)).slice(-3).join(' | ')}`);
    expect({
      contacts: mine.length,
      sample: sample && { name: sample.name, groups: sample.identities[0]?.groups },
      unansweredCommands: pings.failed,
      accountState: state,
      memoryBounded: rssPeak < RSS_LIMIT_MB,
    }).toEqual({
      contacts: N,
      sample: { name: `Contact ${N - 1}`, groups: [`Group ${(N - 1) % 40}`] },
      unansweredCommands: [],
      accountState: 'online',
      memoryBounded: true,
    });
    expect(pings.answered).toBeGreaterThan(0);
  }, 900_000);
});
