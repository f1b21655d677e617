// Issue 9, guarantee 2: rendering safety. Payloads of ../shared/vectors/xss (payloadbox list) and
// link payloads of our own travel from a real Prosody through the REAL web host + engine into the
// real UI in Chromium, in every field that reaches the screen: room nick (sender name), contact
// display name and status message, room topic, message bodies with links, an out-of-band file URL
// (file name), search snippets and notification text. Nothing executes (no dialog, no CSP
// violation: with `script-src 'self'` an injected handler would be reported), nothing renders as
// markup (no element of the payload appears inside user content, no on* attribute anywhere), only
// http(s)/mailto/xmpp become links. `npm test`: a few hundred payloads; `npm run soak`: all of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { tempDir } from '../harness/util';
import { launchBrowser, notifications, type Browser } from '../ui/lib/browser';
import { startHost, ROOT, type Host } from '../ui/lib/host';
import { xmppPeer, type XmppPeer } from '../ui/lib/peers';
import { xml } from '../../protocols/xmpp/xml';
import { PASSPHRASE, SOAK, sleep, times, until } from './lib';

const ALL = readFileSync(join(ROOT, '../shared/vectors/xss/payloadbox-xss-payload-list.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
/** an even spread over the list */
const pick = (n: number) => (n >= ALL.length ? ALL : Array.from({ length: n }, (_, i) => ALL[Math.floor((i * ALL.length) / n)]!));
const LINKS = [
  'javascript:alert(1)', 'JaVaScRiPt:alert(document.domain)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'javascript&colon;alert(1)',
  'data:text/html,<script>alert(1)</script>', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'vbscript:msgbox(1)', 'file:///etc/passwd',
  'xmpp:evil@example.org?message;body=%3Cscript%3Ealert(1)%3C/script%3E', 'xmpp:javascript:alert(1)', 'xmpp://evil@example.org/"><img src=x onerror=alert(1)>',
  'https://gооgle.com/login', 'https://evil.example@good.example/', 'https://x.example/"><script>alert(1)</script>', '\u202Ehttps://moc.evil',
  'mailto:x@example.org?body=<img src=x onerror=alert(1)>', '[click](javascript:alert(1))', '<a href="javascript:alert(1)">click</a>', 'http://例え.テスト/パス',
];

let prosody: ProsodyServer;
let host: Host;
let browser: Browser;
let page: Page;
let bob: XmppPeer;
let ws: WebSocket;
let tmp: ReturnType<typeof tempDir>;
const dialogs: string[] = [];
/** CSP reports of the app itself before any payload (e.g. a library probing whether eval is allowed) */
let baseline: string[] = [];

let nextId = 1;
function call(cmd: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const on = (d: WebSocket.RawData) => {
      const f = JSON.parse(d.toString());
      if (f.t === 'res' && f.id === id) {
        ws.off('message', on);
        resolve(f.reply);
      }
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ t: 'req', id, cmd, input }));
  });
}
async function value<T>(cmd: string, input: unknown): Promise<T> {
  const r = await call(cmd, input);
  if (!r.ok) throw new Error(`${cmd}: ${r.error?.message}`);
  return r.value as T;
}

beforeAll(async () => {
  tmp = tempDir('rel-xss');
  prosody = await startProsody();
  host = await startHost({ dataDir: join(tmp.path, 'data'), passphrase: PASSPHRASE });
  browser = await launchBrowser({ recordNotifications: true, viewport: { width: 1400, height: 2400 } });
  await browser.context.addInitScript(() => {
    const w = window as unknown as { __csp: string[]; __calls: string[] };
    w.__csp = [];
    w.__calls = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    for (const f of ['alert', 'confirm', 'prompt', 'print'] as const) {
      (window as unknown as Record<string, unknown>)[f] = (...a: unknown[]) => void w.__calls.push(`${f}(${a.map(String).join(',')})`);
    }
  });
  ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['confab.v1', `token.${host.token}`], { origin: `http://127.0.0.1:${host.port}` });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const alice = prosody.users.alice;
  const acc = await value<{ id: string }>('accounts.add', { protocol: 'xmpp', label: 'xss', config: { jid: alice.jid, password: alice.password, server: prosody.host, port: prosody.port, caPem: prosody.caPem, nick: 'alice' } });
  await until(async () => (await value<{ id: string; state: string }[]>('accounts.list', {})).find((a) => a.id === acc.id)?.state === 'online', 'alice online');
  bob = await xmppPeer(prosody, prosody.users.bob);
  page = await browser.open(host.url);
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.getByRole('navigation', { name: 'Contacts and conversations' }).waitFor();
  await sleep(1000);
  baseline = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  if (baseline.length) console.log(`reliability/xss: CSP reports of the app itself before any payload (not counted): ${baseline.join('; ')}`);
}, 180_000);
afterAll(async () => {
  ws?.close();
  await bob?.stop();
  await browser?.close();
  await host?.stop();
  await prosody?.stop();
  tmp?.remove();
});

/** every message of a conversation through messages.page */
async function historyOf(conversationId: string): Promise<{ id: string; body: string; from: string; fromName?: string }[]> {
  type Page = { messages: { id: string; body: string; from: string; fromName?: string }[]; hasBefore: boolean };
  let p = await value<Page>('messages.page', { conversationId, limit: 500 });
  const all = [...p.messages];
  while (p.hasBefore && p.messages.length) {
    p = await value<Page>('messages.page', { conversationId, before: p.messages[0]!.id, limit: 500 });
    all.unshift(...p.messages);
  }
  return all;
}

/** problems in the live DOM: markup from a payload, handler attributes, links with other schemes */
async function domProblems(): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    const user = '[data-testid="message"], [data-testid="topic"], [data-testid="contact"], [data-testid="search-hit"], .from, .status-msg';
    const forbidden = new Set(['script', 'iframe', 'object', 'embed', 'frame', 'frameset', 'base', 'form', 'meta', 'link', 'style', 'svg', 'math', 'video', 'audio', 'source', 'template', 'marquee', 'input', 'textarea', 'button', 'details', 'body', 'html', 'isindex', 'applet', 'xss', 'x']);
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name)) bad.push(`<${el.tagName.toLowerCase()} ${a.name}>`);
      if (el.tagName === 'A' && el.hasAttribute('href') && !/^(https?:|mailto:|xmpp:)/i.test(el.getAttribute('href') ?? '')) bad.push(`a href=${el.getAttribute('href')}`);
      if (el.tagName === 'A' && /javascript:|vbscript:|data:/i.test(decodeURIComponent((el.getAttribute('href') ?? '').replace(/%(?![0-9a-f]{2})/gi, '%25')))) bad.push(`a href=${el.getAttribute('href')}`);
      const t = el.tagName.toLowerCase();
      if (el.closest(user) && forbidden.has(t) && !(t === 'button' && el.closest('[data-testid="contact"], [data-testid="search-hit"], [data-testid="message"]')?.contains(el) && !el.closest('.body, .from, .status-msg, [data-testid="topic"]'))) bad.push(`<${t}> in user content`);
      if (el.closest('.body, .from, .status-msg, [data-testid="topic"], .snippet') && t === 'img') bad.push('<img> in text');
    }
    return bad;
  });
}

async function executed(): Promise<{ csp: string[]; calls: string[]; dialogs: string[] }> {
  const w = await page.evaluate(() => {
    const x = window as unknown as { __csp: string[]; __calls: string[] };
    return { csp: x.__csp, calls: x.__calls };
  });
  return { csp: w.csp.slice(baseline.length), calls: w.calls, dialogs };
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('hostile text in every field that reaches the screen', () => {
  it('room nicks (sender names) and room topics', async () => {
    const room = `xss${Date.now() % 100000}@${prosody.mucDomain}`;
    // bob creates the room (instant room) and stays in it
    await bob.client.send(xml('presence', { to: `${room}/bob` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    await sleep(500);
    await bob.client.iq.request(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' }))), 15_000).catch(() => undefined);
    const accId = (await value<{ id: string }[]>('accounts.list', {}))[0]!.id;
    const conv = await value<{ id: string }>('rooms.join', { accountId: accId, values: { room, nick: 'alice' } });
    await page.getByTestId('conversation').filter({ hasText: room.split('@')[0]! }).getByRole('button').first().click();
    await page.getByTestId('chat').waitFor();

    const nicks = pick(times(150, 500)); // soak: every payload goes through bodies below; nicks are slow (one MUC presence each)
    let accepted = 0;
    for (const [i, p] of nicks.entries()) {
      // a nick change to the payload (Prosody refuses what resourceprep forbids: then the old nick speaks)
      await bob.client.send(xml('presence', { to: `${room}/${p.slice(0, 200)}` }));
      await bob.client.send(xml('message', { to: room, type: 'groupchat', id: `n${i}` }, xml('body', {}, `nickline ${i}`)));
    }
    await until(async () => {
      const seen = (await historyOf(conv.id)).filter((m) => m.body.startsWith('nickline '));
      accepted = new Set(seen.map((m) => m.fromName ?? m.from)).size;
      return seen.length >= nicks.length;
    }, 'every nick line stored', SOAK ? 1_800_000 : 120_000);
    await page.getByTestId('message').filter({ hasText: `nickline ${nicks.length - 1}` }).last().waitFor();
    expect(await domProblems()).toEqual([]);

    // topics: each shown as exactly its text
    for (const p of pick(times(20, 300))) {
      await bob.client.send(xml('message', { to: room, type: 'groupchat' }, xml('subject', {}, p)));
      const topic = page.getByTestId('topic');
      await page.waitForFunction((t) => (document.querySelector('[data-testid="topic"]')?.textContent ?? '').replace(/\s+/g, ' ').trim() === t, norm(p));
      expect(await topic.locator('*').count()).toBe(0);
    }
    expect(await domProblems()).toEqual([]);
    expect(await executed()).toEqual({ csp: [], calls: [], dialogs: [] });
    console.log(`reliability/xss: ${nicks.length} payload nicks sent, ${accepted} distinct sender names shown; ${times(20, 300)} topics`);
  }, SOAK ? 3_600_000 : 240_000);

  it('contact display name, status messages, links, a file URL, notifications and search snippets', async () => {
    const accId = (await value<{ id: string }[]>('accounts.list', {}))[0]!.id;
    const name = ALL.find((l) => l.startsWith('<img')) ?? '<img src=x onerror=alert(1)>';
    await value('contacts.add', { accountId: accId, address: prosody.users.bob.jid, name });
    await page.getByTestId('contact').filter({ hasText: name }).first().waitFor();
    // status messages (bob approved the subscription automatically)
    for (const p of pick(times(20, 300))) {
      await bob.client.send(xml('presence', {}, xml('status', {}, p)));
      await page.waitForFunction((t) => Array.from(document.querySelectorAll('.status-msg')).some((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim() === t), norm(p));
    }
    expect(await domProblems()).toEqual([]);

    // direct messages: link payloads, body payloads with a search word, an OOB file URL
    const bodies = [...LINKS, ...pick(times(100, ALL.length)).map((p, i) => `snipword ${i} ${p}`)];
    for (const b of bodies) await bob.say(prosody.users.alice.jid, b);
    await bob.client.send(xml('message', { to: prosody.users.alice.jid, type: 'chat' }, xml('body', {}, 'https://upload.example/"><img src=x onerror=alert(1)>.png'), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, 'https://upload.example/"><img src=x onerror=alert(1)>.png'))));
    await bob.say(prosody.users.alice.jid, 'last of the direct payloads');
    await page.getByTestId('contact').filter({ hasText: name }).first().getByRole('button').first().click();
    await page.getByTestId('chat').waitFor();
    await page.getByTestId('message').filter({ hasText: 'last of the direct payloads' }).waitFor({ timeout: SOAK ? 1_800_000 : 120_000 });
    expect(await domProblems()).toEqual([]);
    const hrefs = await page.locator('[data-testid="message"] .body a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((h) => !/^(https?:|mailto:|xmpp:)/i.test(h))).toEqual([]);

    // search snippets
    await page.keyboard.press('Control+Shift+F');
    const dlg = page.getByTestId('search-dialog');
    await dlg.getByLabel('Words').fill('snipword');
    await dlg.getByTestId('search-hit').first().waitFor();
    expect(await dlg.getByTestId('search-hit').count()).toBeGreaterThan(0);
    expect(await domProblems()).toEqual([]);
    await page.keyboard.press('Escape');

    // notifications: plain strings carrying the text as sent
    const shown = await notifications(page);
    expect(shown.length).toBeGreaterThan(0);
    for (const n of shown) {
      expect(typeof n.title).toBe('string');
      expect(typeof n.body).toBe('string');
    }
    expect(shown.some((n) => n.body.includes('snipword'))).toBe(true);
    expect(await executed()).toEqual({ csp: [], calls: [], dialogs: [] });
    console.log(`reliability/xss: ${bodies.length} direct bodies (${LINKS.length} link payloads), ${hrefs.length} links rendered (${[...new Set(hrefs.map((h) => h.split(':')[0]))].join(', ')}), ${shown.length} notifications`);
  }, SOAK ? 3_600_000 : 240_000);
});
