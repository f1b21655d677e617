// The notification decision per message, pure: DND, muted conversations, mentions, VIPs, keywords.
// While DND: no notification, no sound, no attention, unless a VIP or keyword breaks through.

export interface NotifySettings {
  enabled: boolean;
  sound: boolean;
  rooms: 'all' | 'mentions';
}

export interface NotifyInput {
  direction: 'in' | 'out';
  kind: 'chat' | 'action' | 'notice' | 'system';
  body: string;
  replay: boolean;
  conversationKind: 'direct' | 'room';
  muted: boolean;
  /** own nick(s) / names that count as a mention */
  selfNames: readonly string[];
  /** already known (the ingest computed it): saves matching the names again */
  mention?: boolean;
  /** the sender's person is a breakthrough VIP */
  vip: boolean;
  keywords: readonly string[];
  dnd: boolean;
  settings: NotifySettings;
}

export type NotifyDecision =
  | { notify: false; mention: boolean; why: string }
  | { notify: true; mention: boolean; reason: 'direct' | 'mention' | 'vip' | 'keyword' | 'room'; sound: boolean; attention: boolean };

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** compiled word patterns (the same few names and keywords are checked for every message) */
const wordRes = new Map<string, RegExp>();

/** the word appears on its own (not inside another word), case-insensitive */
export function containsWord(body: string, word: string): boolean {
  const w = word.trim();
  if (!w) return false;
  let re = wordRes.get(w);
  if (!re) {
    if (wordRes.size >= 1000) wordRes.clear();
    wordRes.set(w, (re = new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRe(w)}($|[^\\p{L}\\p{N}_])`, 'iu')));
  }
  return re.test(body);
}

export function isMention(body: string, selfNames: readonly string[]): boolean {
  return selfNames.some((n) => containsWord(body, n));
}

export function decideNotification(m: NotifyInput): NotifyDecision {
  const mention = m.direction === 'in' && (m.mention ?? isMention(m.body, m.selfNames));
  if (m.direction !== 'in') return { notify: false, mention, why: 'own message' };
  if (m.replay) return { notify: false, mention, why: 'history replay' };
  if (m.kind === 'system') return { notify: false, mention, why: 'system message' };
  if (!m.settings.enabled) return { notify: false, mention, why: 'notifications off' };
  const keyword = m.keywords.some((k) => containsWord(m.body, k));
  if (m.muted && !m.vip) return { notify: false, mention, why: 'muted' };
  let reason: 'direct' | 'mention' | 'vip' | 'keyword' | 'room' | null = m.vip ? 'vip' : keyword ? 'keyword' : mention ? 'mention' : m.conversationKind === 'direct' ? 'direct' : m.settings.rooms === 'all' ? 'room' : null;
  if (reason === null) return { notify: false, mention, why: 'room message without mention' };
  if (m.dnd && reason !== 'vip' && reason !== 'keyword') return { notify: false, mention, why: 'do not disturb' };
  if (m.dnd) reason = m.vip ? 'vip' : 'keyword';
  return { notify: true, mention, reason, sound: m.settings.sound, attention: true };
}
