// Sharing files from the composer, in Chromium against the REAL web host + engine + Prosody (its
// XEP-0363 http_file_share) and ngircd: a dropped file goes up in chunks with a progress bar and
// reaches the XMPP peer as a link whose bytes are identical; Cancel stops an upload; an IRC account
// (no upload) says so clearly. A link or image from a stranger's server makes NO request until the
// user clicks (a recording HTTP server on another loopback port watches), also inside a monospace block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { startNgircd, type IrcServer } from '../harness/ngircd';
import { freePort, tempDir } from '../harness/util';
import { xml } from '../../protocols/xmpp/xml';
import { launchBrowser, type Browser } from './lib/browser';
import { startHost, type Host } from './lib/host';
import { ircPeer, xmppPeer, type IrcPeer, type XmppPeer } from './lib/peers';
import * as ui from './lib/app';
import { dropFile, pasteFile } from './lib/drop';
import { routeConfabSocket, type ConfabSocket } from './lib/socket';

const PASS = 'correct horse battery staple';
const NICK = `up${process.pid % 100000}`;
/** a valid 1×1 PNG; decoders ignore bytes after IEND, so padding makes it as large as we like */
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let prosody: ProsodyServer;
let ngircd: IrcServer;
let tmp: ReturnType<typeof tempDir>;
let host: Host;
let browser: Browser;
let page: Page;
let bob: XmppPeer;
let irc: IrcPeer;
let stranger: { server: Server; port: number; requests: string[] };
/** the page's WebSocket to the host, through a pass-through route (records commands, holds frames) */
let socket: ConfabSocket;

function startStranger(): Promise<typeof stranger> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if ((req.url ?? '').endsWith('.png')) res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG_1PX);
    else res.writeHead(200, { 'Content-Type': 'text/plain' }).end('stranger');
  });
  return freePort().then((port) => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, port, requests }))));
}

beforeAll(async () => {
  [prosody, ngircd, stranger] = await Promise.all([startProsody(), startNgircd(), startStranger()]);
  tmp = tempDir('ui-upload');
  host = await startHost({ dataDir: join(tmp.path, 'data'), passphrase: PASS });
  browser = await launchBrowser();
  page = await ui.openMainWindow(browser, host.url, async (p) => {
    socket = await routeConfabSocket(p);
  });
  const alice = prosody.users.alice;
  await ui.addAccount(page, 'XMPP (Jabber)', 'Work XMPP', { 'Address (JID)': alice.jid, Password: alice.password }, {
    'Server host': prosody.host,
    Port: String(prosody.port),
    'Trusted CA certificate (PEM)': prosody.caPem,
  });
  await ui.addAccount(page, 'IRC', 'Plain IRC', { Server: ngircd.host, Port: String(ngircd.port), Nickname: NICK, 'Use TLS': false });
  await ui.waitAccountState(page, 'Work XMPP', 'online');
  await ui.waitAccountState(page, 'Plain IRC', 'online');
  bob = await xmppPeer(prosody, prosody.users.bob);
  irc = await ircPeer(ngircd, `peer${process.pid % 100000}`);
}, 180_000);

afterAll(async () => {
  await bob?.stop();
  irc?.stop();
  await browser?.close();
  await host?.stop();
  await Promise.all([prosody?.stop(), ngircd?.stop(), new Promise((r) => (stranger ? stranger.server.close(r) : r(null)))]);
  tmp?.remove();
});

describe('sharing files and the privacy of previews', { timeout: 180_000 }, () => {
  it('an account without file upload (IRC) says so clearly when a file is dropped', async () => {
    irc.say(NICK, 'hi from irc');
    await ui.waitUnread(page, irc.nick, 1);
    await ui.openConversation(page, irc.nick);
    await dropFile(page, 'notes.txt', 'text/plain', Buffer.from('hello'));
    const alert = page.getByTestId('chat').getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Plain IRC cannot share files: its server offers no file upload/);
    expect(socket.sent).not.toContain('files.uploadBegin');
  });

  it('a dropped image goes up in chunks with a progress bar, reaches the peer as a link with identical bytes, and previews from the own server', async () => {
    const alice = prosody.users.alice.jid;
    await bob.say(alice, 'send me the picture?');
    await ui.waitUnread(page, 'bob@', 1);
    await ui.openConversation(page, 'bob@');
    // record every progress value the window shows while the file goes up
    await page.evaluate(() => {
      const seen: number[][] = [];
      (window as unknown as { __progress: number[][] }).__progress = seen;
      new MutationObserver(() => {
        for (const el of Array.from(document.querySelectorAll<HTMLProgressElement>('[data-testid="upload"] progress'))) seen.push([el.position >= 0 ? el.value : -1, el.max]);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const file = Buffer.concat([PNG_1PX, randomBytes(1_100_000)]);
    await dropFile(page, 'holiday photo.png', 'image/png', file);
    const url = await bob.nextMessage(alice, (b) => /^https?:\/\//.test(b), 60_000);
    expect(url).toContain(String(prosody.httpPort));
    const got = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(Buffer.compare(got, file)).toBe(0);
    // more than one chunk: the bar moved through values between empty and full
    expect(socket.sent.filter((c) => c === 'files.uploadChunk').length).toBeGreaterThanOrEqual(3);
    const seen = await page.evaluate(() => (window as unknown as { __progress: number[][] }).__progress);
    expect(seen.some(([v, max]) => v! > 0 && v! < max!)).toBe(true);
    // the link is on the account's own upload service: the image is shown without a click
    const own = ui.messageWithText(page, url).last();
    await own.getByTestId('image-preview').waitFor();
    await expect.poll(() => own.getByTestId('image-preview').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await page.getByTestId('upload').waitFor({ state: 'detached' });
  });

  it('Cancel stops an upload: the engine is told, nothing is finished or sent; a pasted file goes next', async () => {
    socket.holdToHost((f) => f.includes('"cmd":"files.uploadChunk"'));
    const finishesBefore = socket.sent.filter((c) => c === 'files.uploadFinish').length;
    await dropFile(page, 'big.bin', 'application/octet-stream', randomBytes(2_000_000));
    const row = page.getByTestId('upload').filter({ hasText: 'big.bin' });
    await row.waitFor();
    await expect.poll(() => socket.held().toHost).toBeGreaterThan(0);
    await row.getByRole('button', { name: 'Cancel upload of big.bin' }).click();
    await row.waitFor({ state: 'detached' });
    await expect.poll(() => socket.sent.includes('files.uploadCancel')).toBe(true);
    // let the held chunk through now: the engine has forgotten the upload and refuses it
    socket.release();
    expect(socket.sent.filter((c) => c === 'files.uploadFinish').length).toBe(finishesBefore);
    // the next file (pasted this time) still goes through, and it is the next thing the peer gets
    // (the cancelled one never arrives)
    const small = Buffer.concat([PNG_1PX, randomBytes(1000)]);
    await pasteFile(page, 'after-cancel.png', 'image/png', small);
    const url = await bob.nextMessage(prosody.users.alice.jid, (b) => /^https?:\/\//.test(b), 60_000);
    expect(Buffer.compare(Buffer.from(await (await fetch(url)).arrayBuffer()), small)).toBe(0);
  });

  it('a file above the server\'s limit is refused in words at the file, and can be dismissed', async () => {
    // Prosody's http_file_share limit in the harness is 10 MiB; the engine learns it from disco
    await dropFile(page, 'too-big.bin', 'application/octet-stream', randomBytes(10 * 1024 * 1024 + 1));
    const row = page.getByTestId('upload').filter({ hasText: 'too-big.bin' });
    await row.and(page.locator('[data-state="failed"]')).waitFor();
    expect(await row.getByRole('alert').innerText()).toMatch(/Not shared: .*too large.*10485760/);
    await row.getByRole('button', { name: 'Dismiss too-big.bin' }).click();
    await row.waitFor({ state: 'detached' });
  });

  it("a stranger's image makes no request until clicked; links in a pasted monospace block are clickable and fetch nothing by themselves", async () => {
    const base = `http://127.0.0.1:${stranger.port}`;
    const requestsToStranger: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(base)) requestsToStranger.push(r.url());
    });
    const img = `${base}/cat.png`;
    await bob.client.send(xml('message', { to: prosody.users.alice.jid, type: 'chat', id: `oob-${Date.now()}` }, xml('body', {}, img), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, img))));
    const snippet = `the build log:\n  step 1 ok\n  step 2 failed, see ${base}/ci/42\n  (retry with make -j2)`;
    await bob.say(prosody.users.alice.jid, snippet);
    const msg = ui.messageWithText(page, 'the build log');
    const link = msg.locator('pre').getByRole('link', { name: `${base}/ci/42` });
    await link.waitFor();
    const row = page.getByTestId('attachment').filter({ hasText: img });
    const show = row.getByRole('button', { name: `Show preview from 127.0.0.1:${stranger.port}` });
    await show.waitFor();
    expect(await row.getByTestId('image-preview').count()).toBe(0);
    expect(stranger.requests).toEqual([]);
    expect(requestsToStranger).toEqual([]);

    await show.click();
    await expect.poll(() => stranger.requests).toContain('/cat.png');
    await expect.poll(() => row.getByTestId('image-preview').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);

    // the link inside the code block opens outside (here: a new browser tab) only on click
    expect(stranger.requests).not.toContain('/ci/42');
    const popup = browser.context.waitForEvent('page');
    await link.click();
    await popup;
    await expect.poll(() => stranger.requests).toContain('/ci/42');
  });
});
