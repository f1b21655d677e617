/**
 * A real archive with a long history, written straight through core/history before the web host
 * starts (much faster than sending 100,000 messages through a server, and the engine then pages
 * it exactly as it pages a user's archive).
 */
import { join } from 'node:path';
import { createArchive } from '../../../core/history/index';

export const SEED_BASE = Date.UTC(2024, 0, 1, 8, 0, 0);
export const SEED_STEP = 60_000;
export const seededBody = (i: number) => `message number ${i}`;

export interface Seeded {
  peer: string;
  count: number;
}

/**
 * `n` messages between the user and `peer` on a disabled XMPP account (nothing connects), one per
 * minute from SEED_BASE; `extra` puts more words into chosen messages (for search).
 */
export function seedArchive(dataDir: string, passphrase: string, n: number, extra: Record<number, string> = {}): Seeded {
  const store = createArchive(join(dataDir, 'archive'), { passphrase, kdf: { N: 1024 } });
  try {
    const peer = 'peer@example.org';
    const acc = store.addAccount({ protocol: 'xmpp', label: 'Seeded XMPP', config: { jid: 'me@example.org' }, enabled: false });
    const conv = store.ensureConversation(acc.id, 'direct', peer, 'Seeded Peer');
    const BATCH = 10_000;
    for (let start = 0; start < n; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        const out = i % 7 === 0;
        rows.push({
          accountId: acc.id,
          conversationId: conv.id,
          sender: out ? 'me@example.org' : peer,
          body: extra[i] ? `${seededBody(i)} ${extra[i]}` : seededBody(i),
          direction: out ? ('out' as const) : ('in' as const),
          serverTime: SEED_BASE + i * SEED_STEP,
          receivedTime: SEED_BASE + i * SEED_STEP,
          serverId: `seed-${i}`,
          ...(out ? { state: 'delivered' as const } : {}),
        });
      }
      store.insertMessages(rows);
    }
    return { peer, count: n };
  } finally {
    store.close();
  }
}
