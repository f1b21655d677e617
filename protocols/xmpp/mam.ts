/**
 * XEP-0313 message archive management with XEP-0059 paging (pure builders/parsers).
 * Results are accepted only from the archive we asked: no `from` / the own bare JID for the
 * personal archive, the room's bare JID for a room archive.
 */
import { bareOf, normalizeJid } from './jid';
import { NS } from './ns';
import { delayStamp } from './stanzaId';
import { xml, type XmlElement } from './xml';

export interface MamQuery {
  queryId: string;
  /** room JID for a room archive; undefined for the personal archive */
  archive?: string;
  /** peer filter for 1:1 history */
  with?: string;
  before?: string;
  after?: string;
  max: number;
}

export function buildMamQuery(q: MamQuery): XmlElement {
  const fields = [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS.mam))];
  if (q.with) fields.push(xml('field', { var: 'with' }, xml('value', {}, q.with)));
  const set = xml('set', { xmlns: NS.rsm }, xml('max', {}, String(q.max)),
    q.after !== undefined ? xml('after', {}, q.after) : xml('before', {}, q.before ?? ''));
  // an empty <before/> (xml() drops the '' child) asks for the last page
  return xml('iq', { type: 'set', to: q.archive }, xml('query', { xmlns: NS.mam, queryid: q.queryId }, xml('x', { xmlns: NS.data, type: 'submit' }, ...fields), set));
}

export interface MamResult {
  id: string;
  stamp?: number;
  message: XmlElement;
}

/** a MAM result carried by `msg` for `queryId` from `archive` (own bare JID or room); null otherwise */
export function parseMamResult(msg: XmlElement, queryId: string, archive: string): MamResult | 'forged' | null {
  const result = msg.getChild('result', NS.mam);
  if (!result || result.attrs.queryid !== queryId) return null;
  const from = msg.attrs.from === undefined ? archive : normalizeJid(msg.attrs.from);
  if (from !== archive) return 'forged';
  const fwd = result.getChild('forwarded', NS.forward);
  const inner = fwd?.getChild('message');
  const id = result.attrs.id;
  if (!fwd || !inner || !id) return 'forged';
  const stamp = delayStamp(fwd);
  return { id, ...(stamp !== undefined ? { stamp } : {}), message: inner };
}

export interface MamFin {
  complete: boolean;
  first?: string;
  last?: string;
}

export function parseMamFin(iqResult: XmlElement): MamFin {
  const fin = iqResult.getChild('fin', NS.mam);
  const set = fin?.getChild('set', NS.rsm);
  const first = set?.getChildText('first') ?? undefined;
  const last = set?.getChildText('last') ?? undefined;
  return { complete: fin?.attrs.complete === 'true', ...(first ? { first } : {}), ...(last ? { last } : {}) };
}

export const isRoomArchive = (archive: string, ownBare: string) => bareOf(archive) !== ownBare;
