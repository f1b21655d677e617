import type { CreateOptions, HistoryStore, OpenOptions, Unlock } from './types';

export const DB_FILE = 'history.db';
export const SLOTS_FILE = 'keyslots.json';
export const LOCK_FILE = 'writer.lock';

export function archiveExists(_dir: string): boolean {
  throw new Error('not implemented yet');
}

/** creates a new archive folder (or an empty existing folder) with one passphrase slot */
export function createArchive(_dir: string, _opts: CreateOptions): HistoryStore {
  throw new Error('not implemented yet');
}

export function openArchive(_dir: string, _unlock: Unlock, _opts: OpenOptions = {}): HistoryStore {
  throw new Error('not implemented yet');
}

/** reads a raw key file written by exportKeyFile (64 hex characters) */
export function readKeyFile(_path: string): Buffer {
  throw new Error('not implemented yet');
}
