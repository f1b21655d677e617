import xmlLib from '@xmpp/xml';
import parse from 'ltx/lib/parse.js';
import type { XmlElement } from './xml-types';

export type { XmlElement } from './xml-types';

type Attrs = Record<string, string | number | undefined> | null;

/** Builds an element; undefined attributes are dropped, children may be elements, strings or falsy. */
export function xml(name: string, attrs?: Attrs, ...children: unknown[]): XmlElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined) clean[k] = String(v);
  return xmlLib(name, clean, ...children.filter((c) => c !== undefined && c !== null && c !== false && c !== ''));
}

/** Parses one XML element (recorded stanzas in tests, fixtures). Throws on malformed XML. */
export function parseXml(s: string): XmlElement {
  return parse(s);
}

export const isElement = (x: unknown): x is XmlElement => typeof x === 'object' && x !== null && 'name' in x && 'attrs' in x;
