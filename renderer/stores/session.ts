/** Archive state (first run / locked / unlocked) and the link to the host. */
import { create } from 'zustand';
import type { ArchiveStatusDTO } from '../../contract';
import { errorText, rpc, CommandError } from '../bridge/api';

interface SessionState {
  archive: ArchiveStatusDTO | null;
  hostUp: boolean;
  busy: boolean;
  error: string | null;
  refresh(): Promise<void>;
  create(passphrase: string): Promise<boolean>;
  unlock(passphrase: string): Promise<boolean>;
  setArchive(a: ArchiveStatusDTO): void;
  setHostUp(up: boolean): void;
}

function unlockMessage(e: unknown): string {
  if (e instanceof CommandError && e.code === 'wrong-key') return 'Wrong passphrase. The archive stays locked; try again.';
  if (e instanceof CommandError && e.code === 'archive-in-use') return 'Another Confab is using this archive. Close it first.';
  return errorText(e);
}

export const useSession = create<SessionState>((set) => ({
  archive: null,
  hostUp: true,
  busy: false,
  error: null,
  async refresh() {
    try {
      set({ archive: await rpc('archive.status', {}), error: null });
    } catch (e) {
      set({ error: errorText(e) });
    }
  },
  async create(passphrase) {
    set({ busy: true, error: null });
    try {
      await rpc('archive.create', { passphrase });
      set({ archive: await rpc('archive.status', {}), busy: false });
      return true;
    } catch (e) {
      set({ busy: false, error: unlockMessage(e) });
      return false;
    }
  },
  async unlock(passphrase) {
    set({ busy: true, error: null });
    try {
      await rpc('archive.unlock', { passphrase });
      set({ archive: await rpc('archive.status', {}), busy: false });
      return true;
    } catch (e) {
      set({ busy: false, error: unlockMessage(e) });
      return false;
    }
  },
  setArchive: (archive) => set({ archive }),
  setHostUp: (hostUp) => set({ hostUp }),
}));
