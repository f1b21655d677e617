/** XEP-0363 HTTP file upload (slot request + PUT) with the link sent as XEP-0066 OOB. */
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export const slotRequest = (service: string, file: { name: string; size: number; type: string }) =>
  xml('iq', { type: 'get', to: service }, xml('request', { xmlns: NS.upload, filename: file.name, size: String(file.size), 'content-type': file.type || 'application/octet-stream' }));

export interface Slot { put: string; get: string; headers: Record<string, string> }

const ALLOWED_HEADERS = new Set(['authorization', 'cookie', 'expires']);

export function parseSlot(slot: XmlElement | undefined): Slot | null {
  const put = slot?.getChild('put');
  const get = slot?.getChild('get')?.attrs.url;
  if (!put?.attrs.url || !get) return null;
  if (!/^https?:\/\//i.test(put.attrs.url) || !/^https?:\/\//i.test(get)) return null;
  const headers: Record<string, string> = {};
  for (const h of put.getChildren('header')) {
    const name = (h.attrs.name ?? '').toLowerCase();
    // XEP-0363 §4: only these headers, without newlines
    if (ALLOWED_HEADERS.has(name) && !/[\r\n]/.test(h.text())) headers[name] = h.text();
  }
  return { put: put.attrs.url, get, headers };
}

export async function putFile(slot: Slot, data: Uint8Array, type: string, signal?: AbortSignal): Promise<void> {
  const res = await fetch(slot.put, { method: 'PUT', body: data, headers: { ...slot.headers, 'content-type': type || 'application/octet-stream' }, ...(signal ? { signal } : {}) });
  if (!res.ok) throw new Error(`upload refused: HTTP ${res.status}`);
}
