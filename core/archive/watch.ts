/**
 * Keyword watch: saved searches (the search language) that raise a notification for NEW matching
 * messages: stored (receivedTime) after the watch's last report. Polling by design: `pollWatches` runs
 * each watch newest-first and stops at messages whose server time is more than RECENT_WINDOW older
 * than that mark, so a poll after each stored batch costs about one FTS page per watch, and importing
 * old logs (or a long history catch-up) does not fire watches.
 *
 * DND: a watch notifies under Do Not Disturb only when it is marked `breakthrough` — the same rule as
 * the engine's keyword breakthrough (core/engine/notify.ts). Own messages and system lines never
 * notify; a muted conversation only with breakthrough.
 *
 * Storage: the store's encrypted settings ('archive.watches').
 */
import type { HistoryStore, SearchHit } from '../history/index';

export const WATCH_KEY = 'archive.watches';
/** matches whose server time is older than (last report − this) are history, not news */
export const RECENT_WINDOW = 7 * 86_400_000;

export interface Watch {
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
  hit: SearchHit;
}

export function listWatches(store: HistoryStore): Watch[] {
  return store.getSetting<Watch[]>(WATCH_KEY) ?? [];
}

function save(store: HistoryStore, w: Watch[]): void {
  store.setSetting(WATCH_KEY, w);
}

/** Adds a watch; it reports only messages stored after this moment. The query is checked first. */
export function addWatch(store: HistoryStore, name: string, query: string, opts: { breakthrough?: boolean; now?: number } = {}): Watch {
  const all = listWatches(store);
  if (!name.trim()) throw new Error('a watch needs a name');
  if (all.some((w) => w.name === name)) throw new Error(`a watch named "${name}" exists already`);
  store.search(query, { limit: 1 }); // throws QueryError on a malformed query
  const now = opts.now ?? Date.now();
  const w: Watch = { name, query, breakthrough: !!opts.breakthrough, createdAt: now, lastReceived: now };
  save(store, [...all, w]);
  return w;
}

export function removeWatch(store: HistoryStore, name: string): boolean {
  const all = listWatches(store);
  const rest = all.filter((w) => w.name !== name);
  if (rest.length === all.length) return false;
  save(store, rest);
  return true;
}

/**
 * New matches of every watch since the last poll, oldest first. With `advance` (default) the watches'
 * markers move past them, so each message is reported once.
 */
export function pollWatches(store: HistoryStore, opts: { advance?: boolean; maxPerWatch?: number; markers?: [string, string] } = {}): WatchMatch[] {
  const all = listWatches(store);
  const out: WatchMatch[] = [];
  const max = opts.maxPerWatch ?? 500;
  for (const w of all) {
    const fresh: SearchHit[] = [];
    let cursor: string | null = null;
    outer: do {
      const page = store.search(w.query, { limit: 100, cursor, ...(opts.markers ? { markers: opts.markers } : {}) });
      for (const h of page.hits) {
        if (h.message.serverTime < w.lastReceived - RECENT_WINDOW || fresh.length >= max) break outer;
        if (h.message.receivedTime > w.lastReceived) fresh.push(h);
      }
      cursor = page.nextCursor;
    } while (cursor);
    fresh.sort((a, b) => a.message.receivedTime - b.message.receivedTime || a.message.id - b.message.id);
    for (const hit of fresh) out.push({ watch: w.name, hit });
    if (fresh.length) w.lastReceived = fresh[fresh.length - 1]!.message.receivedTime;
  }
  if (opts.advance !== false && out.length) save(store, all);
  return out;
}

export interface WatchNotifyContext {
  dnd: boolean;
  muted: boolean;
}

export type WatchDecision = { notify: true; reason: 'watch'; breakthrough: boolean } | { notify: false; why: string };

/** whether a watch match raises a notification now (DND only with breakthrough) */
export function decideWatchNotification(w: Pick<Watch, 'breakthrough'>, m: WatchMatch, ctx: WatchNotifyContext): WatchDecision {
  const msg = m.hit.message;
  if (msg.direction !== 'in') return { notify: false, why: 'own message' };
  if (msg.kind === 'system') return { notify: false, why: 'system message' };
  if (ctx.muted && !w.breakthrough) return { notify: false, why: 'muted' };
  if (ctx.dnd && !w.breakthrough) return { notify: false, why: 'do not disturb' };
  return { notify: true, reason: 'watch', breakthrough: ctx.dnd || ctx.muted };
}
