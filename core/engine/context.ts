// The engine's shared context: state every part reads (runtimes, status, settings, the store) and
// the parts themselves, created here in one place so each can reach the others through `ctx`.
// Handler families (*Ops.ts) and the services below receive this one object.
import { ContractError, type AnyEvent, type SettingsDTO } from '../../contract/index';
import type { Conversation, HistoryStore } from '../history/index';
import type { ProtocolRegistry } from '../protocol/registry';
import type { Logger, ProtocolAdapter, ProtocolDescriptor } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import { ArchiveHolder, type ArchiveOptions } from './archive';
import { CatchUp } from './catchup';
import { Connections } from './connections';
import { toErrorInfo } from './dto';
import { Heartbeat } from './heartbeat';
import { Ingest } from './ingest';
import { Outbox } from './outbox';
import { PersistedCounters } from './persisted';
import { RoomContacts } from './roomContacts';
import { Roster } from './roster';
import { StatusControl } from './statusControl';
import { Views } from './views';
import { defaultSettings, K } from './keys';
import { realTimers, type BackoffPolicy, type TimerApi } from './reconnect';

export interface EngineOptions extends ArchiveOptions {
  registry: ProtocolRegistry;
  log: Logger;
  emit: (e: AnyEvent) => void;
  now?: () => number;
  version?: string;
  backoff?: BackoffPolicy;
  timers?: TimerApi;
}

export class EngineContext {
  readonly archive: ArchiveHolder;
  readonly now: () => number;
  readonly timers: TimerApi;
  readonly log: Logger;
  readonly runtimes = new Map<string, AccountRuntime>();
  settings: SettingsDTO = defaultSettings;
  idleMs = 0;
  stopped = false;

  readonly views: Views;
  readonly ingest: Ingest;
  readonly outbox: Outbox;
  readonly catchUp: CatchUp;
  readonly roster: Roster;
  readonly roomContacts: RoomContacts;
  readonly status: StatusControl;
  readonly connections: Connections;
  readonly counters: PersistedCounters;
  readonly heartbeat: Heartbeat;

  constructor(readonly opts: EngineOptions) {
    this.archive = new ArchiveHolder(opts);
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? realTimers;
    this.log = opts.log;
    this.views = new Views(this);
    this.ingest = new Ingest(this);
    this.outbox = new Outbox(this);
    this.catchUp = new CatchUp(this);
    this.roster = new Roster(this);
    this.roomContacts = new RoomContacts(this);
    this.status = new StatusControl(this);
    this.connections = new Connections(this);
    this.counters = new PersistedCounters(this);
    this.heartbeat = new Heartbeat(this);
  }

  private readonly taps: ((e: AnyEvent) => void)[] = [];

  emit(e: AnyEvent) {
    try {
      this.opts.emit(e);
    } catch (err) {
      this.log.warn('event sink failed', { err: String(err) });
    }
    for (const tap of this.taps) {
      try {
        tap(e);
      } catch (err) {
        this.log.warn('event listener failed', { err: String(err) });
      }
    }
  }

  /** parts of the engine that follow its event stream (the archive tools) listen here */
  onEmit(tap: (e: AnyEvent) => void): void {
    this.taps.push(tap);
  }

  get store(): HistoryStore {
    return this.archive.require();
  }

  /** the store is open and the engine is not shutting down */
  get live(): boolean {
    return !this.stopped && !!this.archive.store;
  }

  setting<T>(key: string, fallback: T): T {
    return this.store.getSetting<T>(key) ?? fallback;
  }

  /** muted conversation ids (read on every incoming message: kept in memory) */
  private muted: Set<string> | null = null;
  mutedSet(): Set<string> {
    return (this.muted ??= new Set(this.setting<string[]>(K.muted, [])));
  }
  setMuted(set: Set<string>) {
    this.store.setSetting(K.muted, [...set]);
    this.muted = set;
  }

  descriptor(protocol: string): ProtocolDescriptor {
    const d = this.opts.registry.get(protocol);
    if (!d) throw new ContractError('invalid', `unknown protocol "${protocol}"`, { protocol: 'unknown protocol' });
    return d;
  }

  rt(accountId: string): AccountRuntime {
    const rt = this.runtimes.get(accountId);
    if (!rt) throw new ContractError('not-found', `no account ${accountId}`);
    return rt;
  }

  onlineRt(accountId: string): AccountRuntime {
    const rt = this.rt(accountId);
    if (!rt.online || !rt.adapter) throw new ContractError('offline', `${rt.account.label} is not connected`);
    return rt;
  }

  /** the account's adapter, created if need be (to read its capabilities while offline) */
  adapterOf(rt: AccountRuntime): ProtocolAdapter {
    try {
      return rt.ensureAdapter();
    } catch (err) {
      throw new ContractError('invalid', toErrorInfo(err).message);
    }
  }

  conv(id: string): Conversation {
    const c = this.store.getConversation(Number(id));
    if (!c) throw new ContractError('not-found', `no conversation ${id}`);
    return c;
  }
}
