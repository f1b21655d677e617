/**
 * core/history — Confab's encrypted, searchable message store.
 *
 *   const store = createArchive(dir, { passphrase });          // new archive folder
 *   const store = openArchive(dir, { passphrase }, { readOnly }); // or { key } / { sealed, unseal }
 *
 * Files in the archive folder: `history.db` (+ -wal/-shm, page-encrypted SQLCipher format),
 * `keyslots.json` (the random 256-bit database key, wrapped once per slot), `writer.lock`.
 * The store is synchronous: use it in the engine process or a CLI, never in a UI thread.
 */
export type * from './types';
export {
  HistoryError,
  WrongKeyError,
  CorruptArchiveError,
  NewerVersionError,
  ArchiveLockedError,
  ArchiveExistsError,
  QueryError,
  UsageError,
} from './errors';
export { createArchive, openArchive, archiveExists, readKeyFile, DB_FILE, SLOTS_FILE, LOCK_FILE } from './archive';
export { COMPACT_ABOVE_SEGMENTS } from './indexCompaction';
export { parseQuery, printText, type ParsedQuery, type TextNode, type DateRange, type FilterKey } from './query';
