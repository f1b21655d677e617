/** Global status, DND, the "while you were busy" digest and the settings (auto-reply, idle, breakthrough). */
import { create } from 'zustand';
import type { DigestDTO, PresenceShow, SettingsDTO, StatusDTO } from '../../contract';
import { rpc } from '../bridge/api';

interface StatusState {
  status: StatusDTO | null;
  settings: SettingsDTO | null;
  digest: DigestDTO | null;
  load(): Promise<void>;
  setStatus(s: StatusDTO): void;
  set(show: PresenceShow, message?: string): Promise<void>;
  dnd(opts: { durationMs?: number; until?: number; message?: string }): Promise<void>;
  dndOff(): Promise<void>;
  saveSettings(patch: Partial<SettingsDTO>): Promise<void>;
  showDigest(d: DigestDTO | null): void;
}

export const useStatus = create<StatusState>((set) => ({
  status: null,
  settings: null,
  digest: null,
  async load() {
    const [status, settings] = await Promise.all([rpc('status.get', {}), rpc('settings.get', {})]);
    set({ status, settings });
  },
  setStatus: (status) => set({ status }),
  async set(show, message) {
    set({ status: await rpc('status.set', { show, ...(message ? { message } : {}) }) });
  },
  async dnd(opts) {
    set({ status: await rpc('status.dnd', opts) });
  },
  async dndOff() {
    set({ status: await rpc('status.dndOff', {}) });
  },
  async saveSettings(patch) {
    set({ settings: await rpc('settings.set', patch) });
  },
  showDigest: (digest) => set({ digest }),
}));

/** local midnight after `now` (DND "until tomorrow" ends at 08:00 next morning) */
export function tomorrowMorning(now: Date): number {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d.getTime();
}
