// Opening, creating and unlocking the history archive on behalf of the hosts. The engine starts
// with the archive locked; nothing that touches accounts or history works until it is unlocked.
import { join } from 'node:path';
import { ContractError, type ArchiveStatusDTO } from '../../contract/index';
import {
  ArchiveExistsError,
  ArchiveLockedError,
  CorruptArchiveError,
  NewerVersionError,
  WrongKeyError,
  archiveExists,
  createArchive,
  openArchive,
  type HistoryStore,
  type KdfParams,
} from '../history/index';

export interface ArchiveOptions {
  dataDir: string;
  /** scrypt cost of new passphrase slots (tests lower it) */
  kdf?: KdfParams;
  nativeBinding?: string;
}

class Captured extends Error {
  constructor(readonly blob: Buffer) {
    super('captured');
  }
}

export function archiveDir(dataDir: string): string {
  return join(dataDir, 'archive');
}

/** Maps history errors to contract error codes with their user-facing messages. */
export function toContractError(err: unknown): ContractError {
  if (err instanceof ContractError) return err;
  if (err instanceof WrongKeyError) return new ContractError('wrong-key', err.message);
  if (err instanceof ArchiveLockedError) return new ContractError('archive-in-use', err.message);
  if (err instanceof ArchiveExistsError) return new ContractError('exists', err.message);
  if (err instanceof NewerVersionError || err instanceof CorruptArchiveError) return new ContractError('internal', err.message);
  return new ContractError('internal', err instanceof Error ? err.message : String(err));
}

export class ArchiveHolder {
  store: HistoryStore | null = null;
  constructor(private readonly opts: ArchiveOptions) {}

  get dir(): string {
    return archiveDir(this.opts.dataDir);
  }

  status(): ArchiveStatusDTO {
    let exists = false;
    try {
      exists = this.store !== null || archiveExists(this.dir);
    } catch {
      exists = false;
    }
    const slots = this.store ? this.store.listSlots().map((s) => ({ id: s.id, kind: s.kind, ...(s.name ? { name: s.name } : {}) })) : [];
    return { state: this.store ? 'unlocked' : exists ? 'locked' : 'none', dataDir: this.opts.dataDir, slots };
  }

  create(passphrase: string): HistoryStore {
    if (this.store) throw new ContractError('exists', 'the archive is already open');
    try {
      this.store = createArchive(this.dir, { passphrase, ...(this.opts.kdf ? { kdf: this.opts.kdf } : {}), ...(this.opts.nativeBinding ? { nativeBinding: this.opts.nativeBinding } : {}) });
    } catch (err) {
      throw toContractError(err);
    }
    return this.store;
  }

  unlock(u: { passphrase: string } | { keyHex: string }): HistoryStore {
    if (this.store) return this.store;
    try {
      const unlock = 'passphrase' in u ? { passphrase: u.passphrase } : { key: Buffer.from(u.keyHex, 'hex') };
      this.store = openArchive(this.dir, unlock, this.opts.nativeBinding ? { nativeBinding: this.opts.nativeBinding } : {});
    } catch (err) {
      throw toContractError(err);
    }
    return this.store;
  }

  /** the sealed blob of a host slot, so the host can unseal it and unlock with the key */
  sealedBlob(name: string): Buffer | null {
    // the store hands each matching slot's blob to `unseal`; we only keep it (an empty key fails
    // the key check, so nothing is opened)
    let blob: Buffer | null = null;
    try {
      openArchive(
        this.dir,
        {
          sealed: name,
          unseal: (b) => {
            blob ??= Buffer.from(b);
            return Buffer.alloc(0);
          },
        },
        { readOnly: true },
      ).close();
    } catch {
      // WrongKeyError, as intended
    }
    return blob;
  }

  exportKey(): string {
    const store = this.require();
    let key: Buffer | null = null;
    // the store hands the raw key to `seal`; we add nothing (throwing aborts the slot)
    try {
      store.addSlot({
        kind: 'sealed',
        name: '__export__',
        seal: (k) => {
          key = Buffer.from(k);
          throw new Captured(k);
        },
      });
    } catch (err) {
      if (!(err instanceof Captured)) throw toContractError(err);
    }
    if (!key) throw new ContractError('internal', 'the store did not hand out its key');
    return (key as Buffer).toString('hex');
  }

  addSealedSlot(name: string, blob: Buffer): void {
    const store = this.require();
    for (const s of store.listSlots()) if (s.kind === 'sealed' && s.name === name) store.removeSlot(s.id);
    store.addSlot({ kind: 'sealed', name, seal: () => blob });
  }

  require(): HistoryStore {
    if (!this.store) throw new ContractError('locked', 'the archive is locked');
    return this.store;
  }

  close(): void {
    this.store?.close();
    this.store = null;
  }
}
