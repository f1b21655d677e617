// The pure policies: reconnect backoff, status/DND/idle, presence mapping per account, the
// notification decision, auto-reply, people aggregation and merge suggestions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { IdentityDTO, PersonDTO } from '../../contract/index';
import { autoReplyBody, shouldAutoReply } from '../../core/engine/autoreply';
import { decideNotification, type NotifyInput } from '../../core/engine/notify';
import { routeReply, suggestMerges, toPerson } from '../../core/engine/people';
import { applyIdle, dndExpired, effectiveStatus, endDnd, initialStatus, presenceFor, setStatus, startDnd } from '../../core/engine/presence';
import { backoffDelay, decideRetry, Reconnector, type TimerApi } from '../../core/engine/reconnect';

describe('reconnect policy', () => {
  it('grows exponentially, stays within the cap, and is jittered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, { baseMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.5 }, () => r);
        const capped = Math.min(60_000, 1000 * 2 ** attempt);
        return d >= capped / 2 - 1 && d <= capped + 1;
      }),
    );
    expect(backoffDelay(0, undefined, () => 0)).toBeLessThan(backoffDelay(5, undefined, () => 0));
  });

  it('never retries after a fatal error', () => {
    expect(decideRetry({ kind: 'auth', fatal: true, message: 'not-authorized' }, 0)).toEqual({ retry: false, reason: 'not-authorized' });
    expect(decideRetry({ kind: 'network', fatal: false, message: 'ECONNREFUSED' }, 3).retry).toBe(true);
  });

  it('retries at once when the network comes back, and restarts from the base after success', () => {
    const pending: (() => void)[] = [];
    const timers: TimerApi = { set: (fn) => (pending.push(fn), pending.length), clear: () => {} };
    let fired = 0;
    const r = new Reconnector(() => fired++, { timers, random: () => 1 });
    const first = r.failed({ kind: 'network', fatal: false, message: 'x' });
    const second = r.failed({ kind: 'network', fatal: false, message: 'x' });
    expect(first.retry && second.retry && second.delayMs > first.delayMs).toBe(true);
    expect(r.networkUp()).toBe(true);
    expect(fired).toBe(1);
    expect(r.networkUp()).toBe(false);
    r.succeeded();
    const again = r.failed({ kind: 'network', fatal: false, message: 'x' });
    expect(again.retry && first.retry && again.delayMs === first.delayMs).toBe(true);
    expect(r.failed({ kind: 'tls', fatal: true, message: 'bad cert' }).retry).toBe(false);
    expect(r.waiting).toBe(false);
  });
});

describe('status, DND and idle', () => {
  const idle = { enabled: true, awayAfterMs: 300_000, xaAfterMs: 1_800_000 };

  it('DND for a duration brings the previous status back', () => {
    let s = setStatus(initialStatus, { show: 'away', message: 'lunch' }, 0);
    s = startDnd(s, { until: 1000, message: 'focus' }, 0);
    expect(effectiveStatus(s)).toMatchObject({ show: 'dnd', dnd: true, message: 'focus' });
    expect(dndExpired(s, 999)).toBe(false);
    expect(dndExpired(s, 1000)).toBe(true);
    s = endDnd(s);
    expect(effectiveStatus(s)).toMatchObject({ show: 'away', message: 'lunch', dnd: false });
  });

  it('idle auto-away and auto-back, never replacing a manual DND or away', () => {
    let s = initialStatus;
    s = applyIdle(s, 400_000, idle, 1e6);
    expect(effectiveStatus(s)).toMatchObject({ show: 'away', auto: true });
    s = applyIdle(s, 2_000_000, idle, 2e6);
    expect(effectiveStatus(s).show).toBe('xa');
    s = applyIdle(s, 0, idle, 3e6);
    expect(effectiveStatus(s)).toMatchObject({ show: 'available', auto: false });
    const dnd = startDnd(initialStatus, {}, 0);
    expect(effectiveStatus(applyIdle(dnd, 9e9, idle, 1)).show).toBe('dnd');
    const away = setStatus(initialStatus, { show: 'away', message: 'out' }, 0);
    expect(effectiveStatus(applyIdle(away, 9e9, idle, 1))).toMatchObject({ show: 'away', auto: false });
  });

  it('maps the status to what each account supports: dnd becomes IRC AWAY with a text', () => {
    const eff = effectiveStatus(startDnd(initialStatus, { message: 'in a meeting' }, 0));
    expect(presenceFor(eff, ['available', 'chat', 'away', 'xa', 'dnd'])).toEqual({ show: 'dnd', status: 'in a meeting' });
    expect(presenceFor(eff, ['available', 'away'])).toEqual({ show: 'away', status: 'in a meeting' });
    const bare = effectiveStatus(startDnd(initialStatus, {}, 0));
    expect(presenceFor(bare, ['available', 'away'])).toEqual({ show: 'away', status: 'Do not disturb' });
    expect(presenceFor(effectiveStatus(initialStatus), ['available', 'away'], 'away')).toEqual({ show: 'away', status: 'Away' });
    expect(presenceFor(effectiveStatus(setStatus(initialStatus, { show: 'invisible' }, 0)), ['available', 'away']).show).toBe('away');
  });
});

describe('notification decision', () => {
  const base: NotifyInput = {
    direction: 'in',
    kind: 'chat',
    body: 'hello',
    replay: false,
    conversationKind: 'direct',
    muted: false,
    selfNames: ['alice'],
    vip: false,
    keywords: ['outage'],
    dnd: false,
    settings: { enabled: true, sound: true, rooms: 'mentions' },
  };
  it('direct messages notify, room messages only on mention', () => {
    expect(decideNotification(base)).toMatchObject({ notify: true, reason: 'direct', sound: true });
    expect(decideNotification({ ...base, conversationKind: 'room' }).notify).toBe(false);
    expect(decideNotification({ ...base, conversationKind: 'room', body: 'Alice: look' })).toMatchObject({ notify: true, reason: 'mention', mention: true });
    expect(decideNotification({ ...base, conversationKind: 'room', body: 'malice aforethought' }).mention).toBe(false);
  });
  it('DND silences everything but VIPs and keywords', () => {
    expect(decideNotification({ ...base, dnd: true })).toMatchObject({ notify: false, why: 'do not disturb' });
    expect(decideNotification({ ...base, dnd: true, body: 'alice!' }).notify).toBe(false);
    expect(decideNotification({ ...base, dnd: true, vip: true })).toMatchObject({ notify: true, reason: 'vip' });
    expect(decideNotification({ ...base, dnd: true, body: 'big OUTAGE now' })).toMatchObject({ notify: true, reason: 'keyword' });
  });
  it('never for own messages, replays, muted conversations', () => {
    expect(decideNotification({ ...base, direction: 'out' }).notify).toBe(false);
    expect(decideNotification({ ...base, replay: true }).notify).toBe(false);
    expect(decideNotification({ ...base, muted: true }).notify).toBe(false);
  });
});

describe('auto-reply', () => {
  const s = { enabled: true, message: 'back at 3', periodMs: 3_600_000 };
  const m = { settings: s, show: 'dnd', direction: 'in' as const, kind: 'chat' as const, conversationKind: 'direct' as const, replay: false, body: 'hi', lastSentAt: undefined, now: 10_000_000 };
  it('once per contact per period, never in rooms, never to automatic messages or notices', () => {
    expect(shouldAutoReply(m)).toBe(true);
    expect(shouldAutoReply({ ...m, lastSentAt: m.now - 1000 })).toBe(false);
    expect(shouldAutoReply({ ...m, lastSentAt: m.now - s.periodMs })).toBe(true);
    expect(shouldAutoReply({ ...m, conversationKind: 'room' })).toBe(false);
    expect(shouldAutoReply({ ...m, body: autoReplyBody(s) })).toBe(false);
    expect(shouldAutoReply({ ...m, kind: 'notice' })).toBe(false);
    expect(shouldAutoReply({ ...m, show: 'available' })).toBe(false);
    expect(shouldAutoReply({ ...m, settings: { ...s, enabled: false } })).toBe(false);
  });
});

describe('people', () => {
  const ident = (accountId: string, address: string, show: IdentityDTO['presence']['show'], name?: string): IdentityDTO => ({
    accountId,
    address,
    ...(name ? { name } : {}),
    groups: [],
    presence: { show },
    source: 'roster',
  });
  it('aggregates presence per person and routes replies to the online identity in preferred order', () => {
    const p = toPerson({ id: 'm1', name: 'Bob', vip: false, identities: [ident('1', 'bob@x', 'offline'), ident('2', 'bobby', 'away')], order: ['1 bob@x', '2 bobby'] });
    expect(p.presence.show).toBe('away');
    expect(routeReply(p, () => true)?.address).toBe('bobby');
    const both = toPerson({ id: 'm1', name: 'Bob', vip: false, identities: [ident('1', 'bob@x', 'available'), ident('2', 'bobby', 'away')], order: ['1 bob@x', '2 bobby'] });
    expect(routeReply(both, () => true)?.address).toBe('bob@x');
    expect(routeReply(both, (a) => a === '2')?.address).toBe('bobby');
  });
  it('suggests merges across accounts by name, nick and local part', () => {
    const people: PersonDTO[] = [
      toPerson({ id: 'c1', name: 'carol', vip: false, identities: [ident('1', 'carol@x', 'available')] }),
      toPerson({ id: 'c2', name: 'carol', vip: false, identities: [ident('2', 'carol', 'available')] }),
      toPerson({ id: 'c3', name: 'Dave', vip: false, identities: [ident('1', 'dave@x', 'available')] }),
      toPerson({ id: 'c4', name: 'dave', vip: false, identities: [ident('1', 'dave@y', 'available')] }),
    ];
    const s = suggestMerges(people);
    expect(s.some((x) => x.personIds.join() === 'c1,c2')).toBe(true);
    // same account: two entries are two people
    expect(s.some((x) => x.personIds.includes('c3'))).toBe(false);
  });
  it('suggests a merge when an IRC services account matches another identity, whatever the nick', () => {
    const people: PersonDTO[] = [
      toPerson({ id: 'c1', name: 'Erin Example', vip: false, identities: [ident('1', 'erin@corp.example', 'available')] }),
      toPerson({ id: 'c2', name: 'ee_away', vip: false, identities: [{ ...ident('2', 'ee_away', 'away'), account: 'Erin' }] }),
      toPerson({ id: 'c3', name: 'zed', vip: false, identities: [{ ...ident('2', 'zed', 'away'), account: '' }] }),
    ];
    const s = suggestMerges(people);
    expect(s).toContainEqual({ personIds: ['c1', 'c2'], reason: 'same-account' });
    // without the account the nick says nothing; "not logged in" matches nobody
    expect(suggestMerges(people.map((p) => ({ ...p, identities: p.identities.map(({ account: _a, ...i }) => i) }))).some((x) => x.personIds.includes('c2'))).toBe(false);
    expect(s.some((x) => x.personIds.includes('c3'))).toBe(false);
  });
});
