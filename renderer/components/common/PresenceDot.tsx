import type { PresenceShow } from '../../../contract';

const LABEL: Record<PresenceShow, string> = {
  available: 'Available',
  chat: 'Free to chat',
  away: 'Away',
  xa: 'Away for long',
  dnd: 'Do not disturb',
  invisible: 'Invisible',
  offline: 'Offline',
};

export const presenceLabel = (s: PresenceShow) => LABEL[s];

export function PresenceDot({ show }: { show: PresenceShow }) {
  return <span className={`dot dot-${show}`} role="img" aria-label={LABEL[show]} title={LABEL[show]} />;
}
