// XEP-0048 fallback: a server without PEP keeps bookmarks in private XML storage (XEP-0049).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmppAdapter } from '../../protocols/xmpp/index';
import { startProsody, type ProsodyServer } from '../harness/prosody';
import { closeAll, online } from './helpers';

let srv: ProsodyServer;
const bag: XmppAdapter[] = [];
beforeAll(async () => { srv = await startProsody({ extraConfig: 'modules_disabled = { "s2s"; "pep"; "bookmarks" }' }); });
afterEach(async () => { await closeAll(bag); });
afterAll(async () => { await srv?.stop(); });

describe('XMPP bookmarks without PEP', () => {
  it('stores bookmarks in private storage and autojoins them in a new session', async () => {
    if (srv.external) return console.log('skipped: needs a harness server without PEP');
    const room = `legacy-${Math.random().toString(36).slice(2, 8)}@${srv.mucDomain}`;
    const a = await online(srv, srv.users.alice, {}, bag);
    await a.a.rooms.join({ room, nick: 'Al', bookmark: true });
    expect(await a.a.bookmarks()).toEqual([{ room, nick: 'Al', autojoin: true }]);
    expect(a.a.bookmarkStorage).toBe('private');
    await a.a.disconnect();
    const again = await online(srv, srv.users.alice, {}, bag);
    await again.rec.waitFor('room-joined', (e) => e.room.id === room);
    await again.a.removeBookmark(room);
    expect(await again.a.bookmarks()).toEqual([]);
  });
});
