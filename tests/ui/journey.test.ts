// The user's journey end to end, in Chromium, against the REAL web host + engine process, with the
// harness's Prosody (XMPP) and InspIRCd (IRC) behind it and real peers on both networks.
// The steps share one window and depend on each other (like a user's session), so they run in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { startInspircd, type InspircdServer } from '../harness/inspircd';
import { tempDir } from '../harness/util';
import { launchBrowser, notifications, type Browser } from './lib/browser';
import { ROOT, startHost, type Host } from './lib/host';
import { ircPeer, xmppPeer, type IrcPeer, type XmppPeer } from './lib/peers';
import { xml } from '../../protocols/xmpp/xml';
import * as ui from './lib/app';
import { axeSerious } from './lib/axe';

const PASS = 'correct horse battery staple';
const NICK = `confab${process.pid % 10000}`;
const PEER_NICK = `ircpeer${process.pid % 10000}`;
const CANARY = `canary${Math.random().toString(36).slice(2, 10)}zz`;

let prosody: ProsodyServer;
let ircd: InspircdServer;
let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let host: Host | null = null;
let browser: Browser;
let page: Page;
let bob: XmppPeer;
let ib: IrcPeer;
const dialogs: string[] = [];

async function openApp(): Promise<Page> {
  const p = await browser.open(host!.url);
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await p.getByRole('navigation', { name: 'Contacts and conversations' }).waitFor();
  return p;
}

beforeAll(async () => {
  [prosody, ircd] = await Promise.all([startProsody(), startInspircd()]);
  tmp = tempDir('ui-journey');
  dataDir = join(tmp.path, 'data');
  host = await startHost({ dataDir, passphrase: PASS });
  browser = await launchBrowser({ recordNotifications: true });
  page = await openApp();
}, 180_000);

afterAll(async () => {
  await bob?.stop();
  ib?.stop();
  await browser?.close();
  await host?.stop();
  await Promise.all([prosody?.stop(), ircd?.stop()]);
  tmp?.remove();
});

describe('Confab in the browser, XMPP + IRC', { timeout: 180_000 }, () => {
  it('adds an XMPP and an IRC account from the generated forms; both go online', async () => {
    const alice = prosody.users.alice;
    await ui.addAccount(page, 'XMPP (Jabber)', 'Work XMPP', { 'Address (JID)': alice.jid, Password: alice.password }, {
      'Server host': prosody.host,
      Port: String(prosody.port),
      'Trusted CA certificate (PEM)': prosody.caPem,
    });
    await ui.addAccount(page, 'IRC', 'Test IRC', { Server: ircd.host, Port: String(ircd.tlsPort), Nickname: NICK }, { 'Trusted CA (PEM)': ircd.caPem });
    await ui.waitAccountState(page, 'Work XMPP', 'online');
    await ui.waitAccountState(page, 'Test IRC', 'online');
  });

  it('a peer on each network writes: both land in the one conversation list with unread counts', async () => {
    bob = await xmppPeer(prosody, prosody.users.bob);
    ib = await ircPeer(ircd, PEER_NICK);
    await bob.say(prosody.users.alice.jid, `hello from xmpp ${CANARY} pineapple`);
    ib.say(NICK, `hello from irc ${CANARY} pineapple`);
    await ui.waitUnread(page, 'bob@', 1);
    await ui.waitUnread(page, PEER_NICK, 1);
    expect(await ui.unreadOf(page, 'bob@')).toBe(1);
    expect(await ui.unreadOf(page, PEER_NICK)).toBe(1);
  });

  it('a reply from the UI reaches each peer, and the unread count clears', async () => {
    await ui.openConversation(page, 'bob@');
    await ui.messageWithText(page, 'hello from xmpp').waitFor();
    const gotX = bob.nextMessage(prosody.users.alice.jid, (b) => b.includes('reply to xmpp'));
    await ui.sendFromComposer(page, 'reply to xmpp 🍍');
    expect(await gotX).toBe('reply to xmpp 🍍');
    await ui.openConversation(page, PEER_NICK);
    await ui.messageWithText(page, 'hello from irc').waitFor();
    const gotI = ib.nextMessage(NICK, (t) => t.includes('reply to irc'));
    await ui.sendFromComposer(page, 'reply to irc');
    expect(await gotI).toBe('reply to irc');
    expect(await ui.unreadOf(page, 'bob@')).toBe(0);
    // own message shows its delivery state (moves past queued once the server took it)
    const own = ui.messageWithText(page, 'reply to irc');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="message"]')).some((m) => m.textContent?.includes('reply to irc') && ['sent', 'delivered', 'read'].includes(m.getAttribute('data-state') ?? '')));
    expect(await own.getByTestId('delivery').count()).toBe(1);
  });

  it('a subscription request is approved from the list; the XMPP peer then sees us online', async () => {
    await bob.subscribe(prosody.users.alice.jid);
    await page.getByRole('button', { name: `Approve ${prosody.users.bob.jid}` }).click();
    await bob.waitPresence(prosody.users.alice.jid, 'available');
    await page.getByTestId('contact').filter({ hasText: 'bob@' }).waitFor();
  });

  it('DND: no notification, the XMPP peer sees dnd, the IRC peer sees AWAY; a VIP breaks through; DND off brings the digest', async () => {
    const alice = prosody.users.alice.jid;
    // baseline: outside DND a direct message in a conversation not on screen is notified
    await bob.say(alice, 'before dnd');
    await page.waitForFunction(() => ((window as unknown as { __notifications?: { body: string }[] }).__notifications ?? []).some((n) => n.body.includes('before dnd')));
    const base = (await notifications(page)).length;

    // the IRC peer becomes a contact (MONITOR) and a VIP from its details
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Test IRC' });
    await page.getByLabel('Address or nick').fill(PEER_NICK);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: `Details of ${PEER_NICK}` }).click();
    await page.getByLabel('Breaks through Do Not Disturb').check();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('contact').filter({ hasText: PEER_NICK }).getByTestId('vip').waitFor();

    await ui.setStatusMenu(page, 'Until I turn it off');
    await page.getByTestId('status-button').filter({ hasText: 'Do not disturb' }).waitFor();
    await bob.waitPresence(alice, 'dnd');
    expect(await ib.awayOf(NICK)).toBeTruthy();

    const unreadBefore = await ui.unreadOf(page, 'bob@');
    await bob.say(alice, 'while you were busy 1');
    await bob.say(alice, 'while you were busy 2');
    await ui.waitUnread(page, 'bob@', unreadBefore + 2);
    expect((await notifications(page)).length).toBe(base);

    // the VIP breaks through
    ib.say(NICK, 'vip says hi');
    await page.waitForFunction((n) => ((window as unknown as { __notifications?: unknown[] }).__notifications ?? []).length > n, base);
    const shown = await notifications(page);
    expect(shown.length).toBe(base + 1);
    expect(shown[shown.length - 1]!.body).toContain('vip says hi');

    await ui.setStatusMenu(page, 'Turn off Do not disturb');
    const digest = page.getByTestId('digest');
    await digest.waitFor();
    const text = await digest.innerText();
    expect(text).toMatch(/While you were busy/i);
    expect(text).toContain('bob@confab.test: 2 messages');
    await bob.waitPresence(alice, 'available');
    expect(await ib.awayOf(NICK)).toBeNull();
  });

  it('search (Ctrl+Shift+F) finds a message from each network, grouped, and opens it in context', async () => {
    await page.keyboard.press('Control+Shift+F');
    const dlg = page.getByTestId('search-dialog');
    await dlg.getByLabel('Words').fill('pineapple');
    await dlg.getByTestId('search-hit').filter({ hasText: 'hello from irc' }).waitFor();
    await dlg.getByTestId('search-hit').filter({ hasText: 'hello from xmpp' }).waitFor();
    const groups = await dlg.locator('.hit-group h3').allInnerTexts();
    expect(groups.some((g) => g.includes('bob@confab.test'))).toBe(true);
    expect(groups.some((g) => g.includes(PEER_NICK))).toBe(true);
    // the match is highlighted with <mark>, built by React
    expect(await dlg.locator('mark', { hasText: /pineapple/i }).count()).toBeGreaterThanOrEqual(2);
    await dlg.getByTestId('search-hit').filter({ hasText: 'hello from xmpp' }).click();
    const hit = page.locator('[data-testid="message"].highlight');
    await hit.waitFor();
    expect(await hit.innerText()).toContain('hello from xmpp');
    expect(await page.getByTestId('chat').getByRole('heading', { level: 1 }).innerText()).toContain('bob@confab.test');
  });

  it('hostile message bodies and a hostile room topic render as text, never as markup', async () => {
    const lines = readFileSync(join(ROOT, '../shared/vectors/xss/payloadbox-xss-payload-list.txt'), 'utf8').split('\n');
    const picked = [
      ...lines.filter((l) => /<(script|img|svg|iframe|body|audio)[\s/>]/i.test(l) && l.length < 200).filter((_, i) => i % 40 === 0).slice(0, 6),
      lines.find((l) => /^javascript:/i.test(l.trim())) ?? 'javascript:alert(1)',
    ];
    expect(picked.length).toBeGreaterThanOrEqual(5);
    // tall window: every payload row is on screen at once (the list renders only visible rows)
    await page.setViewportSize({ width: 1280, height: 2000 });
    await ui.openConversation(page, 'bob@');
    for (const p of picked) await bob.say(prosody.users.alice.jid, p);
    for (const p of picked) await ui.messageWithText(page, p.trim()).last().waitFor();
    const bodies = page.getByTestId('chat').locator('[data-testid="message"] .body');
    expect(await bodies.locator('script, img, svg, iframe, audio, body, object, embed').count()).toBe(0);
    expect(await bodies.locator('a[href^="javascript:" i]').count()).toBe(0);

    // a room whose topic (set by the IRC peer) is hostile
    const chan = `#xss${process.pid % 10000}`;
    const topic = picked[1]!.trim();
    ib.wire.client.join(chan);
    await new Promise((r) => setTimeout(r, 500));
    ib.wire.client.setTopic(chan, topic);
    await page.getByRole('button', { name: 'Join a room' }).click();
    const joinDlg = page.getByTestId('join-dialog');
    await joinDlg.getByLabel('Account').selectOption({ label: 'Test IRC' });
    await joinDlg.getByLabel('Channel', { exact: true }).fill(chan);
    await joinDlg.getByRole('button', { name: 'Join' }).click();
    const shownTopic = page.getByTestId('topic');
    await shownTopic.waitFor();
    expect(await shownTopic.innerText()).toBe(topic);
    expect(await shownTopic.locator('*').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows the typing indicator, merges the two peers into one person and splits them again', async () => {
    await ui.openConversation(page, 'bob@');
    await bob.client.send(xml('message', { to: prosody.users.alice.jid, type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
    await page.getByTestId('typing').filter({ hasText: /is typing/ }).waitFor();
    await bob.client.send(xml('message', { to: prosody.users.alice.jid, type: 'chat' }, xml('paused', { xmlns: 'http://jabber.org/protocol/chatstates' })));
    await page.waitForFunction(() => !document.querySelector('[data-testid="typing"]')?.textContent);

    // metacontact: bob (XMPP) + the IRC peer become one person, then split again
    const contacts = page.getByTestId('contact');
    await page.getByRole('button', { name: 'Details of bob@confab.test' }).click();
    const person = page.getByRole('dialog', { name: 'bob@confab.test' });
    const other = await person.getByLabel('Contact to merge with').locator('option', { hasText: PEER_NICK }).getAttribute('value');
    await person.getByLabel('Contact to merge with').selectOption(other!);
    await person.getByRole('button', { name: 'Merge' }).click();
    const merged = contacts.filter({ hasText: '2 accounts' });
    await merged.waitFor();
    expect(await contacts.count()).toBe(1);
    await merged.getByRole('button', { name: /^Details of/ }).click();
    const dlg = page.getByRole('dialog');
    await dlg.getByRole('button', { name: 'Split out' }).first().click();
    await dlg.getByRole('button', { name: 'Close' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length === 2);
  });

  it('"Start meeting" creates a private room on XMPP with the picked contact invited', async () => {
    await page.getByRole('button', { name: 'Start meeting' }).click();
    const dlg = page.getByRole('dialog', { name: 'Start meeting' });
    await dlg.getByLabel('Account', { exact: true }).selectOption({ label: 'Work XMPP' });
    await dlg.getByRole('checkbox', { name: /bob@confab\.test/ }).check();
    const invited = bob.nextStanza((st) => st.is('message') && !!st.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('invite'), 60_000).catch(() => null);
    const direct = bob.nextStanza((st) => st.is('message') && !!st.getChild('x', 'jabber:x:conference'), 60_000).catch(() => null);
    await dlg.getByRole('button', { name: 'Start meeting' }).click();
    await page.getByTestId('chat').locator('.chat-head').filter({ hasText: prosody.mucDomain }).waitFor();
    const got = await Promise.race([invited, direct]);
    expect(got, 'bob received an invitation to the meeting room').not.toBeNull();
  });

  it('a wrong password shows the account as failed with the error in words and a Retry; it can be disabled', async () => {
    await ui.addAccount(page, 'XMPP (Jabber)', 'Broken XMPP', { 'Address (JID)': prosody.users.carol.jid, Password: 'not-the-password' }, {
      'Server host': prosody.host,
      Port: String(prosody.port),
      'Trusted CA certificate (PEM)': prosody.caPem,
    });
    await ui.waitAccountState(page, 'Broken XMPP', 'failed');
    const line = ui.accountLine(page, 'Broken XMPP');
    expect((await line.getByRole('alert').innerText()).length).toBeGreaterThan(3);
    await line.getByRole('button', { name: 'Retry Broken XMPP now' }).click();
    await ui.waitAccountState(page, 'Broken XMPP', 'failed');
    await page.getByRole('button', { name: 'Accounts', exact: true }).click();
    const dlg = page.getByTestId('account-dialog');
    await dlg.getByRole('listitem').filter({ hasText: 'Broken XMPP' }).getByRole('button', { name: 'Disable' }).click();
    await dlg.getByRole('listitem').filter({ hasText: 'Broken XMPP' }).getByRole('button', { name: 'Enable' }).waitFor();
    await dlg.getByRole('button', { name: 'Close' }).click();
    await ui.accountLine(page, 'Broken XMPP').filter({ hasText: 'disabled' }).waitFor();
  });

  it('the main screens have no serious or critical axe-core violations', async () => {
    const report: string[] = [];
    const scan = async (name: string) => {
      for (const v of await axeSerious(page)) report.push(`${name}: ${v.id} (${v.impact}) ${v.help} @ ${v.nodes.slice(0, 3).join(', ')}`);
    };
    await ui.openConversation(page, 'bob@');
    await scan('chat');
    await page.keyboard.press('Control+Shift+F');
    await page.getByTestId('search-dialog').getByLabel('Words').fill('pineapple');
    await page.getByTestId('search-hit').first().waitFor();
    await scan('search');
    await page.keyboard.press('Escape');
    await page.getByTestId('status-button').click();
    await page.getByTestId('status-popover').waitFor();
    await scan('status menu');
    await page.keyboard.press('Escape');
    await ui.openAccountForm(page, 'XMPP (Jabber)');
    await scan('account form');
    await page.getByTestId('account-dialog').getByRole('button', { name: 'Close' }).click();
    expect(report).toEqual([]);
  });

  it('after a restart of the host the history is still there, and the archive holds no plaintext', async () => {
    await page.close();
    await host!.stop();
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (statSync(p).isFile()) files.push(p);
      }
    };
    walk(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(CANARY)), `${f} holds the canary in plaintext`).toBe(false);
      expect(bytes.includes(Buffer.from('pineapple')), `${f} holds message text in plaintext`).toBe(false);
    }
    // restarted without the passphrase: the unlock screen (scanned too), then the history
    host = await startHost({ dataDir });
    page = await browser.open(host.url);
    await page.getByRole('heading', { name: 'Unlock Confab' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel('Passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await ui.openConversation(page, 'bob@');
    await ui.messageWithText(page, CANARY).first().waitFor();
    await ui.openConversation(page, PEER_NICK);
    await ui.messageWithText(page, CANARY).first().waitFor();
  });
});
