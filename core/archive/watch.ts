/**
 * Keyword watch: saved searches (the search language) that raise a notification for NEW matching
 * messages: stored (receivedTime) after the watch's last report. Polling by design: `pollWatches` runs
 * each watch newest-first and stops at messages whose server time is more than RECENT_WINDOW older
 * than that mark, so a poll after each stored batch costs about one FTS page per watch, and importing
 * old logs (or a long history catch-up) does not fire watches.
 *
 * Whether a match notifies (DND, muted, own and system messages) is the engine's notification
 * decision (core/engine/notify.ts), see `watchNotifyInput`: a breakthrough watch is treated like a
 * VIP (through DND and mute), any other like a direct message.
 *
 * Storage: table `watches` (migration 0004).
 */
import type { HistoryStore, SearchHit } from '../history/index';
import type { NotifyInput, NotifySettings } from '../engine/notify';
import { archiveDb, writeTx } from './tables';

/** matches whose server time is older than (last report − this) are history, not news */
export const RECENT_WINDOW = 7 * 86_400_000;
/** matches looked at per watch and poll, newest first */
export const MAX_SCAN = 1000;

export interface Watch {
  id: number;
  name: string;
  query: string;
  /** notify even under Do Not Disturb (and in muted conversations) */
  breakthrough: boolean;
  createdAt: number;
  /** ms epoch: messages stored (receivedTime) at or before this were already reported or predate the watch */
  lastReceived: number;
}

export interface WatchMatch {
  watch: string;
  watchId: number;
  hit: SearchHit;
}

interface Row { id: number; name: string; query: string; breakthrough: number; created_at: number; last_received: number }
const toWatch = (r: Row): Watch => ({ id: r.id, name: r.name, query: r.query, breakthrough: r.breakthrough === 1, createdAt: r.created_at, lastReceived: r.last_received });

export function listWatches(store: HistoryStore): Watch[] {
  return (archiveDb(store).prepare('SELECT * FROM watches ORDER BY id').all() as Row[]).map(toWatch);
}

/** Adds a watch; it reports only messages stored after this moment. The query is checked first (QueryError). */
export function addWatch(store: HistoryStore, name: string, query: string, opts: { breakthrough?: boolean; now?: number } = {}): Watch {
  if (!name.trim()) throw new Error('a watch needs a name');
  store.search(query, { limit: 1 }); // throws QueryError on a malformed query
  const now = opts.now ?? Date.now();
  return writeTx(store, (db) => {
    if (db.prepare('SELECT 1 FROM watches WHERE name = ?').get(name)) throw new Error(`a watch named "${name}" exists already`);
    const r = db.prepare('INSERT INTO watches(name, query, breakthrough, created_at, last_received) VALUES (?, ?, ?, ?, ?) RETURNING *').get(name, query, opts.breakthrough ? 1 : 0, now, now) as Row;
    return toWatch(r);
  });
}

/** by name or id; false when there is no such watch */
export function removeWatch(store: HistoryStore, nameOrId: string | number): boolean {
  return writeTx(store, (db) => {
    const r = typeof nameOrId === 'number' ? db.prepare('DELETE FROM watches WHERE id = ?').run(nameOrId) : db.prepare('DELETE FROM watches WHERE name = ?').run(nameOrId);
    return r.changes > 0;
  });
}

/**
 * New matches of every watch since the last poll, oldest first. With `advance` (default) the watches'
 * marks move past them, so each message is reported once.
 */
export function pollWatches(store: HistoryStore, opts: { advance?: boolean; maxPerWatch?: number; maxScan?: number; markers?: [string, string] } = {}): WatchMatch[] {
  const all = listWatches(store);
  const out: WatchMatch[] = [];
  const max = opts.maxPerWatch ?? 500;
  // a watch on a common word has many recent matches: each poll looks at the newest ones only
  // (late, old-dated messages beyond them are not reported)
  const maxScan = opts.maxScan ?? MAX_SCAN;
  const moved: Watch[] = [];
  for (const w of all) {
    const fresh: SearchHit[] = [];
    let cursor: string | null = null;
    let scanned = 0;
    outer: do {
      const page = store.search(w.query, { limit: 100, cursor, ...(opts.markers ? { markers: opts.markers } : {}) });
      for (const h of page.hits) {
        if (h.message.serverTime < w.lastReceived - RECENT_WINDOW || fresh.length >= max || scanned++ >= maxScan) break outer;
        if (h.message.receivedTime > w.lastReceived) fresh.push(h);
      }
      cursor = page.nextCursor;
    } while (cursor);
    fresh.sort((a, b) => a.message.receivedTime - b.message.receivedTime || a.message.id - b.message.id);
    for (const hit of fresh) out.push({ watch: w.name, watchId: w.id, hit });
    if (fresh.length) moved.push({ ...w, lastReceived: fresh[fresh.length - 1]!.message.receivedTime });
  }
  if (opts.advance !== false && moved.length) {
    writeTx(store, (db) => {
      const st = db.prepare('UPDATE watches SET last_received = max(last_received, ?) WHERE id = ?');
      for (const w of moved) st.run(w.lastReceived, w.id);
    });
  }
  return out;
}

export interface WatchNotifyContext {
  dnd: boolean;
  muted: boolean;
  settings: NotifySettings;
}

/**
 * The input of the engine's notification decision for a watch match: the user asked for these
 * messages, so they count like a direct message (whatever the room setting); a breakthrough watch
 * passes DND and mute as a VIP does. Own messages, system lines and disabled notifications stay
 * silent by the same decision.
 */
export function watchNotifyInput(w: Pick<Watch, 'breakthrough'>, m: WatchMatch, ctx: WatchNotifyContext): NotifyInput {
  const msg = m.hit.message;
  return {
    direction: msg.direction, kind: msg.kind, body: msg.body, replay: false, conversationKind: 'direct',
    muted: ctx.muted, selfNames: [], vip: w.breakthrough, keywords: [], dnd: ctx.dnd, settings: ctx.settings,
  };
}
