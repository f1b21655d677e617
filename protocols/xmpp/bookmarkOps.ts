/** Bookmarks: XEP-0402 in PEP, or XEP-0048 in private storage where the server has no usable PEP. */
import { fetchBookmarks, fetchLegacyBookmarks, parseBookmarks, parseLegacyBookmarks, publishBookmark, retractBookmark, storeLegacyBookmarks, type Bookmark } from './bookmarks';
import { classifyError } from './errors';
import { NS } from './ns';
import type { XmppState } from './state';

const NO_PEP = new Set(['service-unavailable', 'feature-not-implemented', 'not-allowed', 'forbidden']);

export class XmppBookmarks {
  constructor(private readonly s: XmppState) {}

  /** 'pep': XEP-0402; 'private': XEP-0048 in private storage, when the server has no usable PEP */
  private bookmarkStore: 'pep' | 'private' | null = null;

  /** where bookmarks live on this server (known after the first bookmark call) */
  get bookmarkStorage(): 'pep' | 'private' | null {
    return this.bookmarkStore;
  }

  async bookmarks(): Promise<Bookmark[]> {
    const c = this.s.requireOnline();
    if (this.bookmarkStore !== 'private') {
      try {
        const res = await c.iq.request(fetchBookmarks(), this.s.cfg.timeoutMs);
        this.bookmarkStore = 'pep';
        return parseBookmarks(res.getChild('pubsub', NS.pubsub));
      } catch (e) {
        const ce = classifyError(e);
        if (ce.code === 'item-not-found') { this.bookmarkStore = 'pep'; return []; }
        if (!NO_PEP.has(ce.code ?? '')) throw ce;
        this.bookmarkStore = 'private';
      }
    }
    const res = await c.iq.request(fetchLegacyBookmarks(), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
    return parseLegacyBookmarks(res.getChild('query', NS.privateStorage));
  }

  async addBookmark(b: Bookmark): Promise<void> {
    const c = this.s.requireOnline();
    if (this.bookmarkStore === null) await this.bookmarks().catch(() => []);
    if (this.bookmarkStore === 'private') {
      const list = (await this.bookmarks()).filter((x) => x.room !== b.room);
      await c.iq.request(storeLegacyBookmarks([...list, b]), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      return;
    }
    await c.iq.request(publishBookmark(b), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }

  async removeBookmark(room: string): Promise<void> {
    const c = this.s.requireOnline();
    const jid = this.s.requireBare(room);
    if (this.bookmarkStore === null) await this.bookmarks().catch(() => []);
    if (this.bookmarkStore === 'private') {
      const list = (await this.bookmarks()).filter((x) => x.room !== jid);
      await c.iq.request(storeLegacyBookmarks(list), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
      return;
    }
    await c.iq.request(retractBookmark(jid), this.s.cfg.timeoutMs).catch((e: unknown) => { throw classifyError(e); });
  }
}
