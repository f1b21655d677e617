// The engine's own state in the encrypted store (settings keys) and its defaults.
import type { SettingsDTO } from '../../contract/index';

export const defaultSettings: SettingsDTO = {
  autoReply: { enabled: false, message: 'I am away at the moment and will answer later.', periodMs: 60 * 60_000 },
  idle: { enabled: true, awayAfterMs: 10 * 60_000, xaAfterMs: 60 * 60_000 },
  breakthrough: { people: [], keywords: [] },
  notifications: { enabled: true, sound: true, rooms: 'mentions' },
};

/** settings keys of the engine's own state in the encrypted store */
export const K = {
  status: 'engine.status',
  settings: 'engine.settings',
  people: 'engine.people',
  muted: 'engine.muted',
  overrides: 'engine.overrides',
  heartbeat: 'engine.heartbeat',
  mentions: 'engine.mentions',
  autoReplied: 'engine.autoReplied',
  rooms: (a: string) => `engine.rooms.${a}`,
  catchup: (a: string) => `engine.catchup.${a}`,
};

/** config flag of an account removed with its history kept */
export const REMOVED = '__removed';
