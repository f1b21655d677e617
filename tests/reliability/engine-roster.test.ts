// Issue 9, guarantee 1 "rosters of 50,000 entries": a burst of roster pushes (delivered
// synchronously, as the XMPP parser hands over a large chunk) must not keep the engine from answering
// commands; every contact ends up stored. The engine's roster path applies pushes in time slices.
// In-process engine with a stub protocol (the XMPP path of the same burst: tests/soak/hostile-xmpp.soak.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Engine } from '../../core/engine/index';
import type { AdapterListener } from '../../core/protocol/types';
import { tempDir } from '../harness/util';
import { startInProcessEngine, stubProtocol, until, type InProcessEngine } from './lib';

const N = 5000;
const tmp = tempDir('rel-engine-roster');
const listeners = new Map<string, AdapterListener>();
let engine: Engine;
let call: InProcessEngine['call'];
beforeAll(async () => {
  ({ engine, call } = await startInProcessEngine(join(tmp.path, 'stub'), [stubProtocol(listeners)]));
});
afterAll(async () => {
  await engine?.shutdown();
  tmp.remove();
});

describe(`${N} roster pushes in one burst`, () => {
  it('commands are answered while the pushes are applied; all contacts end up stored, in order', async () => {
    await call('accounts.add', { protocol: 'stub', config: { name: 'a' } });
    await until(() => listeners.size === 1, 'stub account online');
    const l = listeners.get('a')!;
    for (let i = 0; i < N; i++) l({ type: 'roster', items: [{ id: `c${i}@big.example`, name: `Contact ${i}`, groups: [`G${i % 50}`], subscription: 'both' }], replace: false });
    // a later push for the same contact wins over the earlier one
    l({ type: 'roster', items: [{ id: 'c0@big.example', name: 'Renamed', groups: [], subscription: 'both' }], replace: false });
    await call('engine.ping', {});
    // answered between two slices: some contacts are there, not all
    const during = await until(async () => (await call('contacts.list', {})).length || null, 'the first slice applied');
    await until(async () => (await call('contacts.list', {})).length === N, 'all contacts stored', 120_000);
    // the rename came last: it ends up applied (applied before the original push, it would be lost)
    const all = await until(async () => {
      const list = await call('contacts.list', {});
      return list.find((p) => p.identities[0]?.address === 'c0@big.example')?.name === 'Renamed' ? list : null;
    }, 'the later push for c0 applied', 60_000);
    console.log(`reliability/engine-roster: ${N} pushes; a command in the middle saw ${during} contacts`);
    expect({ answeredBeforeAllApplied: during < N, count: all.length, renamed: all.find((p) => p.identities[0]?.address === 'c0@big.example')?.name }).toEqual({ answeredBeforeAllApplied: true, count: N, renamed: 'Renamed' });
  }, 180_000);

  it('a removal waits behind the pushes before it (no flush of the whole queue); order kept', async () => {
    await call('accounts.add', { protocol: 'stub', config: { name: 'b' } });
    await until(() => listeners.has('b'), 'second stub account online');
    const l = listeners.get('b')!;
    const addr = (i: number) => `r${i}@removal.example`;
    for (let i = 0; i < N; i++) l({ type: 'roster', items: [{ id: addr(i), name: `R ${i}`, groups: [], subscription: 'both' }], replace: false });
    l({ type: 'roster-remove', ids: [addr(1)] });
    l({ type: 'roster', items: [{ id: addr(2), name: 'Renamed after the removal', groups: [], subscription: 'both' }], replace: false });
    const ofB = async () => (await call('contacts.list', {})).filter((p) => p.identities.some((i) => i.address.endsWith('@removal.example')));
    // asked right after the removal: the pushes before it are not all applied in one go
    const rightAfter = (await ofB()).length;
    const all = await until(async () => {
      const list = await ofB();
      return list.length === N - 1 && list.some((p) => p.name === 'Renamed after the removal') ? list : null;
    }, 'all pushes and the removal applied', 120_000);
    console.log(`reliability/engine-roster: ${N} pushes + a removal; a command right after the removal saw ${rightAfter} of them`);
    expect({
      answeredBeforeAllApplied: rightAfter < N - 1,
      removedGone: all.some((p) => p.identities.some((i) => i.address === addr(1))),
      renamed: all.find((p) => p.identities[0]?.address === addr(2))?.name,
    }).toEqual({ answeredBeforeAllApplied: true, removedGone: false, renamed: 'Renamed after the removal' });
  }, 180_000);

  it('a full roster removes what it no longer has (also pushes queued before it), keeps pushes after it', async () => {
    await call('accounts.add', { protocol: 'stub', config: { name: 'c' } });
    await until(() => listeners.has('c'), 'third stub account online');
    const l = listeners.get('c')!;
    const item = (id: string) => ({ id: `${id}@full.example`, name: id, groups: [], subscription: 'both' as const });
    const names = async () => (await call('contacts.list', {})).filter((p) => p.identities.some((i) => i.address.endsWith('@full.example'))).map((p) => p.name).sort();
    l({ type: 'roster', items: ['p0', 'p1', 'p2', 'p3'].map(item), replace: true });
    await until(async () => (await names()).length === 4, 'the first full roster stored');
    l({ type: 'roster', items: [item('queued')], replace: false });
    l({ type: 'roster', items: ['p0', 'p2', 'new'].map(item), replace: true });
    l({ type: 'roster', items: [item('after')], replace: false });
    const final = await until(async () => {
      const n = await names();
      return n.includes('after') && !n.includes('p1') && !n.includes('queued') ? n : null;
    }, 'the second full roster applied');
    expect(final).toEqual(['after', 'new', 'p0', 'p2']);
  }, 60_000);
});
