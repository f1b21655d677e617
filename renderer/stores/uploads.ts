/**
 * Files on their way out (progress, cancel, errors) and the upload hosts learned from the user's own
 * shared files (where image previews may load by themselves).
 */
import { create } from 'zustand';
import { errorText, rpc } from '../bridge/api';
import { hostOf } from '../lib/ownServer';
import { refuseFile, uploadInChunks, UploadCancelled } from '../lib/upload';
import { useMessages } from './messages';

export interface Upload {
  key: number;
  conversationId: string;
  name: string;
  size: number;
  /** bytes handed to the engine */
  sent: number;
  /** reading: chunks to the engine; finishing: the engine uploads to the server and sends the link */
  state: 'reading' | 'finishing' | 'failed';
  error?: string;
}

interface UploadsState {
  uploads: Upload[];
  /** accountId → host:port of its upload service (from the user's own uploads) */
  ownHosts: Record<string, string[]>;
  start(conversationId: string, file: File): void;
  cancel(key: number): void;
  dismiss(key: number): void;
  /** an own message carried this file link: its host is the account's upload service */
  learn(accountId: string, url: string): void;
}

let nextKey = 1;
const aborts = new Map<number, AbortController>();

export const useUploads = create<UploadsState>((set, get) => {
  const patch = (key: number, p: Partial<Upload>) => set({ uploads: get().uploads.map((u) => (u.key === key ? { ...u, ...p } : u)) });
  const drop = (key: number) => {
    aborts.delete(key);
    set({ uploads: get().uploads.filter((u) => u.key !== key) });
  };
  return {
    uploads: [],
    ownHosts: {},
    start(conversationId, file) {
      const key = nextKey++;
      const refused = refuseFile(file);
      set({ uploads: [...get().uploads, { key, conversationId, name: file.name || 'pasted file', size: file.size, sent: 0, state: refused ? 'failed' : 'reading', ...(refused ? { error: refused } : {}) }] });
      if (refused) return;
      const ac = new AbortController();
      aborts.set(key, ac);
      const named = file.name ? file : new File([file], pastedName(file.type), { type: file.type });
      uploadInChunks(rpc, conversationId, named, {
        signal: ac.signal,
        onProgress: (sent) => patch(key, { sent }),
        onFinishing: () => patch(key, { state: 'finishing' }),
      }).then(
        (m) => {
          if (m.oobUrl) get().learn(m.accountId, m.oobUrl);
          useMessages.getState().added([m]);
          drop(key);
        },
        (e: unknown) => {
          if (e instanceof UploadCancelled) drop(key);
          else {
            aborts.delete(key);
            patch(key, { state: 'failed', error: errorText(e) });
          }
        },
      );
    },
    cancel(key) {
      aborts.get(key)?.abort();
      drop(key);
    },
    dismiss: drop,
    learn(accountId, url) {
      const host = hostOf(url);
      const known = get().ownHosts[accountId] ?? [];
      if (!host || known.includes(host)) return;
      set({ ownHosts: { ...get().ownHosts, [accountId]: [...known, host] } });
    },
  };
});

/** a pasted screenshot has no name: give it one with the right extension */
function pastedName(mime: string): string {
  const ext = /^image\/(png|jpeg|gif|webp)$/.exec(mime)?.[1]?.replace('jpeg', 'jpg') ?? 'bin';
  return `pasted-${new Date().toISOString().replace(/[:.]/g, '-')}.${ext}`;
}
