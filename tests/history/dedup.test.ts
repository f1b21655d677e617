/**
 * Never lose or double a message, whatever order and batching copies arrive in: property test
 * (fast-check) over the three dedup rules — serverId per conversation, clientId of own messages
 * within the account, content (sender + millisecond + text) for sources without ids — through both
 * insert paths (a message newer than everything stored, and catch-up of older ones).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageInput } from '../../core/history/types';
import { newStore } from './helpers';

const s = newStore('dedup');
afterAll(() => s.remove());
const T0 = Date.UTC(2024, 2, 1);

/** one logical message and the copies of it that may arrive */
type Logical = { kind: 'server'; t: number; body: number; delay: number } | { kind: 'own'; t: number; delay: number; echoed: boolean } | { kind: 'import'; t: number };

const logical: fc.Arbitrary<Logical> = fc.oneof(
  fc.record({ kind: fc.constant('server' as const), t: fc.integer({ min: 0, max: 5 }), body: fc.integer({ min: 0, max: 2 }), delay: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('own' as const), t: fc.integer({ min: 0, max: 5 }), delay: fc.integer({ min: 0, max: 3 }), echoed: fc.boolean() }),
  fc.record({ kind: fc.constant('import' as const), t: fc.integer({ min: 0, max: 5 }) }),
);

function copies(l: Logical, i: number, accountId: number, conversationId: number, t0: number): MessageInput[] {
  const base = { accountId, conversationId };
  const at = (sec: number) => t0 + sec * 1000;
  switch (l.kind) {
    case 'server': {
      // texts repeat on purpose: equal text and time with another serverId is another message
      const m: MessageInput = { ...base, sender: 'bob@example.org', body: ['ok', 'yes', 'see you'][l.body]!, direction: 'in', serverTime: at(l.t), serverId: `S${i}` };
      return [m, { ...m, serverTime: at(l.t + l.delay) }]; // a MAM / reconnect copy, server time may differ
    }
    case 'own': {
      const m: MessageInput = { ...base, sender: 'me@example.org', body: `mine ${i}`, direction: 'out', serverTime: at(l.t), clientId: `C${i}` };
      const echo: MessageInput = { ...m, serverTime: at(l.t + l.delay), serverId: `E${i}` };
      // a peer reusing the same id must not be swallowed: it is a message of its own
      const peer: MessageInput = { ...base, sender: 'bob@example.org', body: `peer ${i}`, direction: 'in', serverTime: at(l.t), clientId: `C${i}` };
      return l.echoed ? [m, echo, echo, peer] : [m, m, peer];
    }
    case 'import': {
      const m: MessageInput = { ...base, sender: 'carol@example.org', body: `logged ${i}`, direction: 'in', serverTime: at(l.t), source: 'irssi-log' };
      return [m, { ...m }];
    }
  }
}

/** how many distinct messages the copies stand for (an 'own' message also brings its peer's) */
const expected = (ls: Logical[]) => ls.reduce((n, l) => n + (l.kind === 'own' ? 2 : 1), 0);

describe('dedup', () => {
  it('any order and batching of copies stores each message exactly once, every copy answers its id', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(logical, { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 7 }), (ls, seed, batch) => {
        const account = s.store.addAccount({ protocol: 'xmpp', label: `run ${++run}` });
        const conv = s.store.ensureConversation(account.id, 'direct', 'bob@example.org');
        // each run later than everything stored before: its first copies take the path for messages
        // newer than everything (multi-row runs, dedup by the unique indexes), later ones the probes
        const t0 = T0 + run * 86_400_000;
        const all = ls.flatMap((l, i) => copies(l, i, account.id, conv.id, t0).map((m) => ({ m, key: l.kind === 'own' && m.direction === 'in' ? `peer${i}` : `l${i}` })));
        // a deterministic shuffle from the seed
        let x = seed;
        for (let k = all.length - 1; k > 0; k--) {
          x = (x * 1103515245 + 12345) % 2147483648;
          const j = x % (k + 1);
          [all[k], all[j]] = [all[j]!, all[k]!];
        }
        const idOf = new Map<string, number>();
        let inserted = 0;
        for (let k = 0; k < all.length; k += batch) {
          const chunk = all.slice(k, k + batch);
          const res = s.store.insertMessages(chunk.map((c) => c.m));
          res.forEach((r, j) => {
            const key = chunk[j]!.key;
            if (r.status === 'inserted') inserted++;
            if (idOf.has(key)) expect(r.id).toBe(idOf.get(key));
            else idOf.set(key, r.id);
          });
        }
        expect(idOf.size).toBe(expected(ls)); // no two messages share an id
        expect(new Set(idOf.values()).size).toBe(idOf.size);
        expect(inserted).toBe(expected(ls));
        expect(s.store.countMessages(conv.id)).toBe(expected(ls));
        // an own message seen with a serverId is no longer in the outbox
        for (const [i, l] of ls.entries()) if (l.kind === 'own' && l.echoed) expect(s.store.getMessage(idOf.get(`l${i}`)!)).toMatchObject({ serverId: `E${i}`, state: 'sent' });
      }),
      { numRuns: 150 },
    );
  });
});
