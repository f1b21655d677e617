/** XEP-0402 PEP native bookmarks (pure); autojoin is honoured by the adapter after login. */
import { bareOf } from './jid';
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export interface Bookmark { room: string; name?: string; nick?: string; autojoin: boolean; password?: string }

export const fetchBookmarks = () => xml('iq', { type: 'get' }, xml('pubsub', { xmlns: NS.pubsub }, xml('items', { node: NS.bookmarks2 })));

export function parseBookmarks(pubsub: XmlElement | undefined): Bookmark[] {
  const out: Bookmark[] = [];
  for (const item of pubsub?.getChild('items')?.getChildren('item') ?? []) {
    const room = bareOf(item.attrs.id);
    const c = item.getChild('conference', NS.bookmarks2);
    if (!room || !c) continue;
    const nick = c.getChildText('nick') ?? undefined;
    const password = c.getChildText('password') ?? undefined;
    out.push({ room, ...(c.attrs.name ? { name: c.attrs.name } : {}), ...(nick ? { nick } : {}), ...(password ? { password } : {}), autojoin: c.attrs.autojoin === 'true' || c.attrs.autojoin === '1' });
  }
  return out;
}

export function publishBookmark(b: Bookmark): XmlElement {
  return xml('iq', { type: 'set' }, xml('pubsub', { xmlns: NS.pubsub },
    xml('publish', { node: NS.bookmarks2 }, xml('item', { id: b.room }, xml('conference', { xmlns: NS.bookmarks2, name: b.name, autojoin: b.autojoin ? 'true' : 'false' }, b.nick ? xml('nick', {}, b.nick) : undefined, b.password ? xml('password', {}, b.password) : undefined))),
    xml('publish-options', {}, xml('x', { xmlns: NS.data, type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
      xml('field', { var: 'pubsub#persist_items' }, xml('value', {}, 'true')),
      xml('field', { var: 'pubsub#max_items' }, xml('value', {}, 'max')),
      xml('field', { var: 'pubsub#access_model' }, xml('value', {}, 'whitelist'))))));
}

export const retractBookmark = (room: string) => xml('iq', { type: 'set' }, xml('pubsub', { xmlns: NS.pubsub }, xml('retract', { node: NS.bookmarks2, notify: 'true' }, xml('item', { id: room }))));

// ---- XEP-0048 fallback: bookmarks in private XML storage (XEP-0049) ----------------------------

export const fetchLegacyBookmarks = () => xml('iq', { type: 'get' }, xml('query', { xmlns: NS.privateStorage }, xml('storage', { xmlns: NS.bookmarksLegacy })));

export function parseLegacyBookmarks(query: XmlElement | undefined): Bookmark[] {
  const out: Bookmark[] = [];
  for (const c of query?.getChild('storage', NS.bookmarksLegacy)?.getChildren('conference') ?? []) {
    const room = bareOf(c.attrs.jid);
    if (!room) continue;
    const nick = c.getChildText('nick') ?? undefined;
    const password = c.getChildText('password') ?? undefined;
    out.push({ room, ...(c.attrs.name ? { name: c.attrs.name } : {}), ...(nick ? { nick } : {}), ...(password ? { password } : {}), autojoin: c.attrs.autojoin === 'true' || c.attrs.autojoin === '1' });
  }
  return out;
}

/** the whole list is stored at once (XEP-0048 has no per-item publish) */
export function storeLegacyBookmarks(list: Bookmark[]): XmlElement {
  return xml('iq', { type: 'set' }, xml('query', { xmlns: NS.privateStorage }, xml('storage', { xmlns: NS.bookmarksLegacy },
    ...list.map((b) => xml('conference', { jid: b.room, name: b.name, autojoin: b.autojoin ? 'true' : 'false' }, b.nick ? xml('nick', {}, b.nick) : undefined, b.password ? xml('password', {}, b.password) : undefined)))));
}
