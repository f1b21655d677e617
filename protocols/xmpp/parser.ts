/**
 * The stream parser: @xmpp/xml's ltx-based Parser made strict where ltx is silent (RFC 6120 §11.1,
 * "restricted XML"). ltx skips a `<!DOCTYPE …>` with an internal subset up to a `-->` that never
 * comes (the stream goes deaf without any error) and throws out of write() on an entity it does not
 * know. Here every such case becomes ONE 'error' event (an AdapterError of kind 'protocol'), after
 * which the parser ignores all further input; xmpp.js's Connection then sends a stream error and
 * closes the connection, and the engine's reconnect policy takes over.
 *
 * Refused: DOCTYPE / DTD declarations, comments, processing instructions other than the XML
 * declaration, entity references other than the five predefined ones (character references are
 * fine), and anything ltx itself cannot parse.
 */
import xmlLib from '@xmpp/xml';
import { AdapterError } from '../../core/protocol/types';

const Base = xmlLib.Parser;
const CDATA_OPEN = '<![CDATA[';
const XML_DECL = '<?xml';
/** `&name;` that is not one of the predefined entities nor a character reference */
const BAD_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)[^\s&<;]{0,64};/;

export const xmlError = (message: string, code: 'restricted-xml' | 'not-well-formed') =>
  new AdapterError({ kind: 'protocol', fatal: false, message: `the server sent ${message}; connection closed`, code });

export class StrictParser extends Base {
  private failed = false;
  /** unscanned end of the previous chunk (a `<` whose meaning depends on the next bytes) */
  private tail = '';
  private inCdata = false;

  override write(data: string | Buffer): void {
    if (this.failed) return;
    const s = typeof data === 'string' ? data : data.toString('utf8');
    const bad = this.scan(s);
    if (bad) {
      this.fail(xmlError(bad, 'restricted-xml'));
      return;
    }
    try {
      super.write(s);
    } catch (err) {
      this.fail(xmlError(`malformed XML (${(err as Error).message})`, 'not-well-formed'));
    }
  }

  /** @xmpp/xml's own errors (a mismatched end tag, text outside the root) become the same protocol error */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'error' || args[0] instanceof AdapterError) return super.emit(event, ...args);
    if (this.failed) return false;
    this.failed = true;
    return super.emit('error', xmlError(`malformed XML (${(args[0] as Error)?.message ?? 'parse error'})`, 'not-well-formed'));
  }

  private fail(err: AdapterError): void {
    this.failed = true;
    this.emit('error', err);
  }

  /**
   * Finds restricted markup in the chunk (with the carried tail). Returns what was found, or null.
   * Inside CDATA sections nothing is markup.
   */
  private scan(chunk: string): string | null {
    const d = this.tail + chunk;
    this.tail = '';
    let i = 0;
    while (i < d.length) {
      if (this.inCdata) {
        const end = d.indexOf(']]>', i);
        if (end < 0) {
          this.tail = d.slice(Math.max(i, d.length - 2));
          return null;
        }
        this.inCdata = false;
        i = end + 3;
        continue;
      }
      const lt = d.indexOf('<', i);
      const textEnd = lt < 0 ? d.length : lt;
      // entity references in text and attribute values (attribute values cannot contain '<')
      const m = BAD_ENTITY.exec(d.slice(i, textEnd));
      if (m) return `an entity reference that XMPP does not allow (${m[0].slice(0, 40)})`;
      if (lt < 0) {
        // a reference may be split over chunks: keep an unfinished '&…' for the next scan
        const amp = d.lastIndexOf('&');
        if (amp >= i && amp > d.length - 70 && !d.includes(';', amp)) this.tail = d.slice(amp);
        return null;
      }
      const next = d.slice(lt, lt + CDATA_OPEN.length);
      // too few bytes to tell `<![CDATA[` / `<?xml ` from restricted markup: decide with the next chunk
      if (d.length - lt < CDATA_OPEN.length && (CDATA_OPEN.startsWith(next) || (next.length < 6 && XML_DECL.startsWith(next.slice(0, 5))))) {
        this.tail = d.slice(lt);
        return null;
      }
      if (next.startsWith('<!')) {
        if (next !== CDATA_OPEN) return next.startsWith('<!--') ? 'an XML comment, which XMPP does not allow' : 'a DOCTYPE or DTD declaration, which XMPP does not allow';
        this.inCdata = true;
        i = lt + CDATA_OPEN.length;
        continue;
      }
      if (next.startsWith('<?') && !/^<\?xml[\s?]/.test(d.slice(lt, lt + 6))) return 'a processing instruction, which XMPP does not allow';
      i = lt + 1;
    }
    return null;
  }
}
