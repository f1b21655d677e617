/** How refusals at registration are classified (scripted raw TCP servers): K-line/ban, throttling, bad nick. */
import { afterAll, expect, it } from 'vitest';
import { account, type TestAccount } from './adapter-helpers';
import { startScriptedServer, type Fixture } from './fixtures';

const fixtures: Fixture[] = [];
const accounts: TestAccount[] = [];
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.stop()));
  await Promise.all(fixtures.map((f) => f.stop()));
});

async function refusal(lines: (nick: string) => string[]): Promise<unknown> {
  const f = await startScriptedServer(lines);
  fixtures.push(f);
  const a = account({ server: '127.0.0.1', port: f.port, tls: false, nick: 'someone' });
  accounts.push(a);
  return a.adapter.connect(new AbortController().signal).then(() => new Error('connected'), (e: unknown) => e);
}

it('a K-line (ERROR at registration) is a fatal auth error', async () => {
  expect(await refusal(() => ['ERROR :Closing link: someone[127.0.0.1] (K-lined: spam)'])).toMatchObject({ kind: 'auth', fatal: true });
});

it('ERR_YOUREBANNEDCREEP (465) is a fatal auth error', async () => {
  expect(await refusal((n) => [`:srv 465 ${n} :You are banned from this server`])).toMatchObject({ kind: 'auth', fatal: true, code: '465' });
});

it('a throttled connection is a transient network error', async () => {
  expect(await refusal(() => ['ERROR :Closing link: (someone@127.0.0.1) [Throttled: Reconnecting too fast]'])).toMatchObject({ kind: 'network', fatal: false });
});

it('an erroneous nickname (432) is a fatal config error', async () => {
  expect(await refusal((n) => [`:srv 432 * ${n} :Erroneous Nickname`])).toMatchObject({ kind: 'config', fatal: true, code: '432' });
});

it('a silent close before welcome is a transient network error', async () => {
  expect(await refusal(() => [])).toMatchObject({ kind: 'network', fatal: false });
});
