/** XEP-0030 service discovery and XEP-0077 in-band registration with gateways (pure). */
import { bareOf } from './jid';
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export interface DiscoIdentity { category: string; type: string; name?: string }
export interface DiscoInfo { identities: DiscoIdentity[]; features: Set<string>; forms: XmlElement[] }
export interface DiscoItem { jid: string; node?: string; name?: string }

export const discoInfoQuery = (to: string, node?: string) => xml('iq', { type: 'get', to }, xml('query', { xmlns: NS.discoInfo, node }));
export const discoItemsQuery = (to: string, node?: string) => xml('iq', { type: 'get', to }, xml('query', { xmlns: NS.discoItems, node }));

export function parseDiscoInfo(query: XmlElement | undefined): DiscoInfo {
  const identities: DiscoIdentity[] = [];
  const features = new Set<string>();
  for (const i of query?.getChildren('identity') ?? []) {
    if (i.attrs.category && i.attrs.type) identities.push({ category: i.attrs.category, type: i.attrs.type, ...(i.attrs.name ? { name: i.attrs.name } : {}) });
  }
  for (const f of query?.getChildren('feature') ?? []) if (f.attrs.var) features.add(f.attrs.var);
  return { identities, features, forms: query?.getChildren('x', NS.data) ?? [] };
}

export function parseDiscoItems(query: XmlElement | undefined): DiscoItem[] {
  const out: DiscoItem[] = [];
  for (const i of query?.getChildren('item') ?? []) {
    const jid = bareOf(i.attrs.jid) ?? undefined;
    if (jid) out.push({ jid: i.attrs.jid?.includes('/') ? i.attrs.jid : jid, ...(i.attrs.node ? { node: i.attrs.node } : {}), ...(i.attrs.name ? { name: i.attrs.name } : {}) });
  }
  return out;
}

/** value of a field in an extended disco form (XEP-0128), e.g. max-file-size */
export function formValue(forms: XmlElement[], formType: string, field: string): string | undefined {
  for (const f of forms) {
    const ft = f.getChildren('field').find((x) => x.attrs.var === 'FORM_TYPE')?.getChildText('value');
    if (ft !== formType) continue;
    const v = f.getChildren('field').find((x) => x.attrs.var === field)?.getChildText('value');
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}

export const registerGet = (to: string) => xml('iq', { type: 'get', to }, xml('query', { xmlns: NS.register }));

/** the fields a gateway asks for (XEP-0077 §3.1: legacy fields or a data form) */
export function parseRegisterFields(query: XmlElement | undefined): { registered: boolean; instructions?: string; fields: string[]; form?: XmlElement } {
  const form = query?.getChild('x', NS.data);
  const fields = form
    ? form.getChildren('field').filter((f) => f.attrs.type !== 'hidden' && f.attrs.var).map((f) => f.attrs.var!)
    : (query?.getChildElements() ?? []).filter((c) => !['instructions', 'registered', 'x'].includes(c.name)).map((c) => c.name);
  const instructions = query?.getChildText('instructions') ?? undefined;
  return { registered: !!query?.getChild('registered'), fields, ...(instructions ? { instructions } : {}), ...(form ? { form } : {}) };
}

export function registerSet(to: string, values: Record<string, string>, form?: XmlElement): XmlElement {
  if (form) {
    const fields = form.getChildren('field').filter((f) => f.attrs.var).map((f) =>
      xml('field', { var: f.attrs.var }, xml('value', {}, values[f.attrs.var!] ?? (f.getChildText('value') ?? ''))));
    return xml('iq', { type: 'set', to }, xml('query', { xmlns: NS.register }, xml('x', { xmlns: NS.data, type: 'submit' }, ...fields)));
  }
  return xml('iq', { type: 'set', to }, xml('query', { xmlns: NS.register }, ...Object.entries(values).map(([k, v]) => xml(k, {}, v))));
}
