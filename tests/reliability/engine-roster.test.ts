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
    const all = await until(async () => {
      const list = await call('contacts.list', {});
      return list.length === N ? list : null;
    }, 'all contacts stored', 120_000);
    console.log(`reliability/engine-roster: ${N} pushes; a command in the middle saw ${during} contacts`);
    expect({ answeredBeforeAllApplied: during < N, renamed: all.find((p) => p.identities[0]?.address === 'c0@big.example')?.name }).toEqual({ answeredBeforeAllApplied: true, renamed: 'Renamed' });
  }, 180_000);
});
