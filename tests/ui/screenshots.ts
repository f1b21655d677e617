// `npm run screenshots`: PNGs of the main screens (light and dark) into screenshots/ (git-ignored),
// from the REAL web host + engine with the harness's Prosody and InspIRCd and two real peers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startProsody } from '../harness/prosody';
import { startInspircd } from '../harness/inspircd';
import { tempDir } from '../harness/util';
import { launchBrowser } from './lib/browser';
import { ROOT, startHost } from './lib/host';
import { ircPeer, xmppPeer } from './lib/peers';
import * as ui from './lib/app';
import { dropFile } from './lib/drop';
import { crc32, deflateSync } from 'node:zlib';

const OUT = join(ROOT, 'screenshots');
const NICK = 'confabme';

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [prosody, ircd] = await Promise.all([startProsody(), startInspircd()]);
  const tmp = tempDir('screens');
  const host = await startHost({ dataDir: join(tmp.path, 'data'), passphrase: 'correct horse battery staple' });
  const cleanups: (() => Promise<void> | void)[] = [() => tmp.remove(), () => prosody.stop(), () => ircd.stop(), () => host.stop()];
  try {
    const light = await launchBrowser({ colorScheme: 'light' });
    cleanups.unshift(() => light.close());
    const page = await light.open(host.url);
    await page.getByRole('navigation', { name: 'Contacts and conversations' }).waitFor();
    const alice = prosody.users.alice;
    await ui.openAccountForm(page, 'XMPP (Jabber)');
    await page.getByTestId('account-dialog').getByText('Advanced', { exact: true }).click();
    await shot(page, 'account-form');
    await page.getByTestId('account-dialog').getByRole('button', { name: 'Close' }).click();
    await ui.addAccount(page, 'XMPP (Jabber)', 'Work XMPP', { 'Address (JID)': alice.jid, Password: alice.password }, { 'Server host': prosody.host, Port: String(prosody.port), 'Trusted CA certificate (PEM)': prosody.caPem });
    await ui.addAccount(page, 'IRC', 'Test IRC', { Server: ircd.host, Port: String(ircd.tlsPort), Nickname: NICK }, { 'Trusted CA (PEM)': ircd.caPem });
    await ui.waitAccountState(page, 'Work XMPP', 'online');
    await ui.waitAccountState(page, 'Test IRC', 'online');

    const bob = await xmppPeer(prosody, prosody.users.bob);
    const carol = await xmppPeer(prosody, prosody.users.carol);
    const ib = await ircPeer(ircd, 'dana');
    cleanups.unshift(() => bob.stop(), () => carol.stop(), () => ib.stop());
    await bob.subscribe(alice.jid);
    await page.getByRole('button', { name: `Approve ${prosody.users.bob.jid}` }).click();
    await carol.subscribe(alice.jid);
    await bob.say(alice.jid, 'Morning! Did the release build go through?');
    await bob.say(alice.jid, 'The log says:\n  at build (vite.config.ts:12)\n  at main (run.ts:40)\nany idea? https://example.org/ci/1234');
    await carol.say(alice.jid, 'Lunch at 12:30?');
    ib.say(NICK, 'hey, the pineapple deploy is done');
    await ui.waitUnread(page, 'bob@', 2);
    await ui.waitUnread(page, 'dana', 1);
    await shot(page, 'contact-list');
    await ui.openConversation(page, 'bob@');
    await ui.sendFromComposer(page, 'Yes, green since 09:12. Looking at the trace now.');
    await ui.sendFromComposer(page, '/me waves');
    await ui.messageWithText(page, 'waves').waitFor();
    await shot(page, 'chat');
    // a picture shared from the composer (drop): chunked upload to Prosody, previewed from the own server
    await dropFile(page, 'chart.png', 'image/png', gradientPng(240, 120));
    await page.getByTestId('image-preview').last().waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="image-preview"]')).every((i) => i.complete));
    await shot(page, 'chat-shared-image');
    await page.getByTestId('status-button').click();
    await page.getByTestId('status-popover').waitFor();
    await shot(page, 'dnd-menu');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+F');
    await page.getByTestId('search-dialog').getByLabel('Words').fill('build');
    await page.getByTestId('search-hit').first().waitFor();
    await shot(page, 'search');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+K');
    await page.getByTestId('switcher').waitFor();
    await shot(page, 'quick-switcher');
    await page.keyboard.press('Escape');

    // archive tools: import the archive suite's sample logs (with a broken file), export, retention, watches
    const fixtures = join(ROOT, 'tests/archive/fixtures');
    await page.getByRole('button', { name: 'Archive tools' }).click();
    const tools = page.getByTestId('archive-tools');
    await tools.getByLabel(/Files or folders on this computer/).fill(['pidgin', 'irssi', 'bad'].map((d) => join(fixtures, d)).join('\n'));
    await tools.getByRole('button', { name: 'Import' }).click();
    await tools.getByTestId('import-summary').waitFor();
    await shot(page, 'archive-import');
    await tools.getByRole('tab', { name: 'Export' }).click();
    await tools.getByLabel('Target folder on this computer (new or empty)').fill(join(tmp.path, 'export'));
    await tools.getByRole('button', { name: 'Export' }).click();
    await tools.getByTestId('export-summary').waitFor();
    await shot(page, 'archive-export');
    await tools.getByRole('tab', { name: 'Retention' }).click();
    await tools.getByTestId('retention-row').first().waitFor();
    await shot(page, 'archive-retention');
    await tools.getByRole('tab', { name: 'Keyword watches' }).click();
    await tools.getByLabel('Name').fill('Outages');
    await tools.getByLabel('Search').fill('outage OR "is down"');
    await tools.getByRole('button', { name: 'Add watch' }).click();
    await tools.getByTestId('watch').waitFor();
    await shot(page, 'archive-watches');
    await tools.getByRole('button', { name: 'Close' }).click();

    const dark = await launchBrowser({ colorScheme: 'dark' });
    cleanups.unshift(() => dark.close());
    const dpage = await dark.open(host.url);
    await dpage.getByRole('navigation', { name: 'Contacts and conversations' }).waitFor();
    await ui.openConversation(dpage, prosody.users.bob.jid);
    await ui.messageWithText(dpage, 'waves').waitFor();
    await shot(dpage, 'chat-dark');
    console.log(`screenshots written to ${OUT}`);
  } finally {
    for (const c of cleanups) await c();
  }
}

/** an RGB PNG with a colour gradient (zlib only), so a shared image is visible in the screenshot */
function gradientPng(w: number, h: number): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set([Math.round((255 * x) / w), 90, Math.round((255 * y) / h)], y * (w * 3 + 1) + 1 + x * 3);
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`) });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
