// One connected account at runtime: its adapter, connection state, the reconnect policy driving
// it, and the live state (presence per contact/resource, rooms, own nick). Storage and policy
// decisions stay in the engine; this file only owns the connection lifecycle.
import type { Account } from '../history/index';
import type { AdapterErrorInfo, AdapterEvent, ConnectionState, Occupant, PeerInfo, Presence, ProtocolAdapter, ProtocolDescriptor, RoomInfo } from '../protocol/types';
import type { Logger } from '../protocol/types';
import { Reconnector, type BackoffPolicy, type TimerApi } from './reconnect';
import { toErrorInfo } from './dto';

export interface RuntimeHooks {
  onEvent(rt: AccountRuntime, e: AdapterEvent): void;
  onOnline(rt: AccountRuntime, resumed: boolean): void;
  onChanged(rt: AccountRuntime): void;
  /** the connection dropped (was online); before the retry is scheduled */
  onLost(rt: AccountRuntime): void;
}

export interface RuntimeOptions {
  log: Logger;
  now: () => number;
  backoff?: BackoffPolicy;
  timers?: TimerApi;
}

export class AccountRuntime {
  adapter: ProtocolAdapter | null = null;
  state: ConnectionState = 'offline';
  error: AdapterErrorInfo | undefined;
  self: string | undefined;
  nick: string | undefined;
  /** contact address → resource → presence */
  readonly presence = new Map<string, Map<string, Presence>>();
  readonly rooms = new Map<string, { info: RoomInfo; occupants: Map<string, Occupant>; topic?: string }>();
  /** contact address → account / real name / host the server reported (IRC peer-info); the adapter bounds it */
  readonly peerInfo = new Map<string, PeerInfo>();
  /** when the connection was last lost (for gap records) */
  lostAt: number | null = null;
  /**
   * the catch-up after the latest (re)connect has finished. Until then live messages must not move
   * the catch-up cursor: messages delivered early (offline storage, a resumed stream) are newer than
   * ones still waiting in the server's archive, and a cursor moved past those would skip them.
   */
  caughtUp = false;
  everOnline = false;
  /** the adapter sent a roster during the current connection (server-side contact list) */
  rosterSeen = false;
  /** clientIds handed to the wire on this connection and not yet confirmed */
  readonly sending = new Set<string>();
  /** clientId → how many connections dropped while it was on the wire */
  readonly drops = new Map<string, number>();
  readonly reconnector: Reconnector;
  private abort: AbortController | null = null;
  private unsubscribe: (() => void) | null = null;
  private gen = 0;
  private wanted = false;

  constructor(
    public account: Account,
    public secrets: Record<string, string>,
    private readonly descriptor: ProtocolDescriptor,
    private readonly hooks: RuntimeHooks,
    private readonly opts: RuntimeOptions,
  ) {
    this.reconnector = new Reconnector(() => void this.connect(), { policy: opts.backoff, timers: opts.timers, now: opts.now });
  }

  get id(): string {
    return String(this.account.id);
  }

  get online(): boolean {
    return this.state === 'online';
  }

  private setState(state: ConnectionState, error?: AdapterErrorInfo) {
    this.state = state;
    this.error = error;
    this.hooks.onChanged(this);
  }

  ensureAdapter(): ProtocolAdapter {
    if (this.adapter) return this.adapter;
    const config = { ...(this.account.config as Record<string, string | number | boolean | undefined>), ...this.secrets };
    const a = this.descriptor.create(config, { log: this.opts.log, now: this.opts.now });
    this.adapter = a;
    this.unsubscribe = a.subscribe((e) => this.onAdapterEvent(e));
    return a;
  }

  /** connect (or reconnect now); no-op while a connection attempt runs */
  async connect(): Promise<void> {
    this.wanted = true;
    this.reconnector.cancel();
    if (this.state === 'connecting' || this.state === 'online') return;
    const gen = ++this.gen;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    let adapter: ProtocolAdapter;
    try {
      adapter = this.ensureAdapter();
    } catch (err) {
      this.setState('failed', { ...toErrorInfo(err), kind: 'config', fatal: true });
      return;
    }
    this.setState(this.everOnline ? 'reconnecting' : 'connecting');
    this.state = 'connecting';
    this.rosterSeen = false;
    try {
      await adapter.connect(abort.signal);
    } catch (err) {
      if (gen !== this.gen || !this.wanted) return;
      this.failed(toErrorInfo(err));
      return;
    }
    if (gen !== this.gen || !this.wanted) return;
    const resumed = this.everOnline;
    this.everOnline = true;
    this.reconnector.succeeded();
    this.setState('online');
    this.hooks.onOnline(this, resumed);
  }

  private failed(info: AdapterErrorInfo) {
    const d = this.reconnector.failed(info);
    this.opts.log.info('connection failed', { account: this.id, kind: info.kind, fatal: info.fatal, retry: d.retry });
    if (d.retry) this.setState('reconnecting', info);
    else {
      this.wanted = false;
      this.setState('failed', info);
    }
  }

  private onAdapterEvent(e: AdapterEvent) {
    if (e.type === 'state') {
      // the engine drives the state machine; the adapter only tells us the link went down
      if ((e.state === 'offline' || e.state === 'failed' || e.state === 'reconnecting') && this.state === 'online') {
        this.lostAt = this.opts.now();
        this.caughtUp = false;
        this.presence.clear();
        for (const r of this.rooms.values()) r.occupants.clear();
        this.hooks.onLost(this);
        if (this.wanted) this.failed(e.error ?? { kind: 'network', fatal: false, message: 'connection lost' });
        else this.setState('offline');
      }
      return;
    }
    if (e.type === 'roster') this.rosterSeen = true;
    if (e.type === 'self') {
      this.self = e.id;
      if (e.nick) this.nick = e.nick;
    }
    this.hooks.onEvent(this, e);
  }

  /** network is back: skip the backoff wait */
  networkUp(): void {
    if (this.wanted && this.state === 'reconnecting') this.reconnector.networkUp();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    this.gen++;
    this.reconnector.cancel();
    this.abort?.abort();
    const a = this.adapter;
    const wasUp = this.state !== 'offline' && this.state !== 'failed';
    this.presence.clear();
    for (const r of this.rooms.values()) r.occupants.clear();
    if (a && wasUp) {
      try {
        await a.disconnect();
      } catch (err) {
        this.opts.log.warn('disconnect failed', { account: this.id, err: toErrorInfo(err).message });
      }
    }
    this.setState('offline');
  }

  /** config changed: a new adapter on the next connect */
  async dispose(): Promise<void> {
    await this.stop();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.adapter = null;
  }
}
