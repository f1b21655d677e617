// Opt-in auto-reply, pure: when away/xa/DND, once per contact per period, never in rooms, never in
// answer to an auto-reply, a notice or an error. On IRC it goes out as a NOTICE (the adapter maps
// kind 'notice'), which IRC clients by convention never answer automatically.

export interface AutoReplySettings {
  enabled: boolean;
  message: string;
  periodMs: number;
}

export const AUTO_REPLY_PREFIX = '[Auto-reply] ';

const AUTO_PATTERNS = [/^\[auto-?reply\]/i, /^auto(matic)?[- ]?reply\b/i, /^out of office\b/i];

export function looksAutomatic(body: string): boolean {
  return AUTO_PATTERNS.some((re) => re.test(body.trim()));
}

export function autoReplyBody(s: AutoReplySettings): string {
  return AUTO_REPLY_PREFIX + (s.message.trim() || 'I am away at the moment.');
}

export function shouldAutoReply(i: {
  settings: AutoReplySettings;
  show: string;
  direction: 'in' | 'out';
  kind: 'chat' | 'action' | 'notice' | 'system';
  conversationKind: 'direct' | 'room';
  replay: boolean;
  body: string;
  /** when we last auto-replied to this contact (ms epoch) */
  lastSentAt: number | undefined;
  now: number;
}): boolean {
  if (!i.settings.enabled) return false;
  if (i.show !== 'away' && i.show !== 'xa' && i.show !== 'dnd') return false;
  if (i.direction !== 'in' || i.replay || i.conversationKind !== 'direct') return false;
  if (i.kind === 'notice' || i.kind === 'system') return false;
  if (looksAutomatic(i.body)) return false;
  if (i.lastSentAt !== undefined && i.now - i.lastSentAt < i.settings.periodMs) return false;
  return true;
}
