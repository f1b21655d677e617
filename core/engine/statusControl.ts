// The global status, DND and idle (decisions in presence.ts), applied: persisted, told to every
// account mapped to what it supports, DND ended by a timer, the digest collected while DND lasts.
import type { DigestDTO, StatusDTO } from '../../contract/index';
import type { PresenceShow } from '../protocol/types';
import type { AccountRuntime } from './accounts';
import { K } from './keys';
import type { EngineContext } from './context';
import { toErrorInfo } from './dto';
import { applyIdle, dndExpired, effectiveStatus, endDnd, initialStatus, presenceFor, type StatusState } from './presence';

export interface Digest {
  since: number;
  from: Map<string, { name: string; personId?: string; conversationId: string; messages: number; mentions: number }>;
  messages: number;
  mentions: number;
}

export class StatusControl {
  state: StatusState = initialStatus;
  /** collected while DND is on */
  digest: Digest | null = null;
  private dndTimer: unknown = null;

  constructor(private readonly ctx: EngineContext) {}

  /** after unlock: the saved status (an expired DND ends now; auto-away never survives a restart) */
  load() {
    const ctx = this.ctx;
    this.state = { ...(ctx.store.getSetting<StatusState>(K.status) ?? initialStatus), auto: null };
    if (dndExpired(this.state, ctx.now())) this.state = endDnd(this.state);
    if (this.state.dnd) this.digest = this.newDigest();
    this.scheduleDndEnd();
  }

  stop() {
    if (this.dndTimer) this.ctx.timers.clear(this.dndTimer);
    this.dndTimer = null;
  }

  private newDigest(): Digest {
    return { since: this.ctx.now(), from: new Map(), messages: 0, mentions: 0 };
  }

  dto(): StatusDTO {
    const eff = effectiveStatus(this.state);
    return {
      show: eff.show,
      ...(eff.message ? { message: eff.message } : {}),
      ...(this.state.dnd?.until !== undefined ? { dndUntil: this.state.dnd.until } : {}),
      dnd: eff.dnd,
      ...(eff.dnd || eff.auto ? { previous: { show: this.state.chosen.show, ...(this.state.chosen.message ? { message: this.state.chosen.message } : {}) } } : {}),
      auto: eff.auto,
    };
  }

  get offline(): boolean {
    return effectiveStatus(this.state).show === 'offline';
  }

  private override(rt: AccountRuntime): PresenceShow | undefined {
    return this.ctx.setting<Record<string, PresenceShow>>(K.overrides, {})[rt.id];
  }

  /** enabled, and neither the global status nor the account's override is offline */
  shouldConnect(rt: AccountRuntime): boolean {
    if (!rt.account.enabled || this.offline) return false;
    return this.override(rt) !== 'offline';
  }

  presenceFor(rt: AccountRuntime) {
    return presenceFor(effectiveStatus(this.state), rt.adapter?.caps.presenceShows ?? ['available', 'away'], this.override(rt));
  }

  /** tells one online account the current status (never failing the caller for it) */
  announce(rt: AccountRuntime) {
    if (!rt.online || !rt.adapter) return;
    void rt.adapter.setPresence(this.presenceFor(rt)).catch((err) => this.ctx.log.warn('setPresence failed', { account: rt.id, err: toErrorInfo(err).message }));
  }

  change(next: StatusState): StatusDTO {
    const prev = this.state;
    this.state = next;
    this.apply(prev);
    return this.dto();
  }

  /** the status changed: persist, tell every account (mapped to its caps), handle offline */
  private apply(prev: StatusState) {
    const ctx = this.ctx;
    const wasDnd = !!prev.dnd;
    const prevEff = effectiveStatus(prev);
    ctx.store.setSetting(K.status, { ...this.state, auto: null });
    const eff = effectiveStatus(this.state);
    if (!wasDnd && this.state.dnd) this.digest = this.newDigest();
    if (wasDnd && !this.state.dnd) this.emitDigest();
    this.scheduleDndEnd();
    for (const rt of ctx.runtimes.values()) {
      if (eff.show === 'offline') {
        void rt.stop();
        continue;
      }
      if (prevEff.show === 'offline') {
        if (this.shouldConnect(rt)) void rt.connect();
        continue;
      }
      this.announce(rt);
    }
    ctx.emit({ type: 'status.changed', payload: this.dto() });
  }

  private emitDigest() {
    const d = this.digest;
    this.digest = null;
    if (!d) return;
    const payload: DigestDTO = { since: d.since, until: this.ctx.now(), messages: d.messages, mentions: d.mentions, from: [...d.from.values()] };
    this.ctx.emit({ type: 'digest', payload });
  }

  private scheduleDndEnd() {
    const ctx = this.ctx;
    this.stop();
    const until = this.state.dnd?.until;
    if (until === undefined) return;
    // long timers are re-armed in steps (setTimeout caps at ~24.8 days)
    const ms = Math.min(Math.max(0, until - ctx.now()), 2 ** 31 - 1);
    this.dndTimer = ctx.timers.set(() => {
      this.dndTimer = null;
      if (ctx.stopped || !ctx.archive.store) return;
      if (dndExpired(this.state, ctx.now())) this.change(endDnd(this.state));
      else this.scheduleDndEnd();
    }, ms);
  }

  /** the host reported the idle time: auto-away / auto-back (never over a manual DND) */
  onIdle(idleMs: number) {
    const ctx = this.ctx;
    ctx.idleMs = idleMs;
    if (!ctx.archive.store) return;
    const next = applyIdle(this.state, idleMs, ctx.settings.idle, ctx.now());
    if (next !== this.state) this.change(next);
  }
}
