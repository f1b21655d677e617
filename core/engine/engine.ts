// The engine: the one object behind the contract. Hosts reach it only through `handlers` (validated
// by contract/server.ts) and the events it emits. Everything network-related lives in accounts.ts,
// everything policy-related in pure modules (reconnect, presence, notify, autoreply, people).
import type { AnyEvent, Handlers } from '../../contract/index';
import { ContractError } from '../../contract/index';
import type { Logger } from '../protocol/types';
import type { ProtocolRegistry } from '../protocol/registry';
import { ArchiveHolder, type ArchiveOptions } from './archive';

export interface EngineOptions extends ArchiveOptions {
  registry: ProtocolRegistry;
  log: Logger;
  emit: (e: AnyEvent) => void;
  now?: () => number;
  version?: string;
}

export class Engine {
  readonly archive: ArchiveHolder;
  readonly handlers: Partial<Handlers>;
  private readonly now: () => number;

  constructor(readonly opts: EngineOptions) {
    this.archive = new ArchiveHolder(opts);
    this.now = opts.now ?? Date.now;
    this.handlers = this.makeHandlers();
  }

  private emitArchive() {
    this.opts.emit({ type: 'archive.status', payload: this.archive.status() });
  }

  private makeHandlers(): Partial<Handlers> {
    return {
      'engine.ping': () => ({ pid: process.pid, version: this.opts.version ?? '0' }),
      'archive.status': () => this.archive.status(),
      'archive.create': async ({ passphrase }) => {
        this.archive.create(passphrase);
        this.emitArchive();
        await this.started();
        return null;
      },
      'archive.unlock': async (u) => {
        this.archive.unlock(u);
        this.emitArchive();
        await this.started();
        return null;
      },
      'archive.exportKey': () => ({ keyHex: this.archive.exportKey() }),
      'archive.addSealedSlot': ({ name, blobBase64 }) => {
        this.archive.addSealedSlot(name, Buffer.from(blobBase64, 'base64'));
        this.emitArchive();
        return null;
      },
      'archive.sealedBlob': ({ name }) => {
        const b = this.archive.sealedBlob(name);
        return b ? { blobBase64: b.toString('base64') } : null;
      },
      'archive.removeSlot': ({ slotId }) => {
        this.archive.require().removeSlot(slotId);
        this.emitArchive();
        return null;
      },
      'archive.changePassphrase': () => {
        throw new ContractError('unsupported', 'not implemented yet');
      },
      'protocols.list': () =>
        this.opts.registry.list().map((d) => ({ id: d.id, displayName: d.displayName, configFields: d.configFields.map((f) => ({ ...f })) })),
    };
  }

  /** after unlock: load accounts, connect the enabled ones */
  protected async started(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.archive.close();
  }
}
