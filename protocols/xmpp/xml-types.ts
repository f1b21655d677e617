/** Structural types for ltx elements and the xmpp.js pieces the adapter composes (see vendor.d.ts). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string | undefined>;
  children: (XmlElement | string)[];
  parent?: XmlElement | null;
  is(name: string, xmlns?: string): boolean;
  getNS(): string | undefined;
  getChild(name: string, xmlns?: string): XmlElement | undefined;
  getChildren(name: string, xmlns?: string): XmlElement[];
  getChildElements(): XmlElement[];
  getChildText(name: string, xmlns?: string): string | null;
  getChildByAttr(attr: string, value: string, xmlns?: string, recursive?: boolean): XmlElement | undefined;
  text(): string;
  append(...children: unknown[]): XmlElement;
  c(name: string, attrs?: Record<string, string>): XmlElement;
  t(text: string): XmlElement;
  up(): XmlElement;
  toString(): string;
}

export interface MiddlewareContext {
  stanza: XmlElement;
  entity: unknown;
  element?: XmlElement;
  type: string;
  name: string;
  id: string;
}
export type MiddlewareFn = (ctx: MiddlewareContext, next: () => Promise<unknown>) => unknown;
export interface Middleware {
  use(fn: MiddlewareFn): MiddlewareFn;
  filter(fn: MiddlewareFn): MiddlewareFn;
}
export interface StreamFeatures {
  use(name: string, xmlns: string, handler: (ctx: { entity: unknown; stanza: XmlElement }, next: () => Promise<unknown>, feature: XmlElement) => unknown): void;
}
export interface IqCaller {
  start(): void;
  request(stanza: XmlElement, timeout?: number): Promise<XmlElement>;
  get(el: XmlElement, to?: string, timeout?: number): Promise<XmlElement | undefined>;
  set(el: XmlElement, to?: string, timeout?: number): Promise<XmlElement | undefined>;
}
export interface IqCallee {
  get(ns: string, name: string, handler: (ctx: MiddlewareContext) => unknown): void;
  set(ns: string, name: string, handler: (ctx: MiddlewareContext) => unknown): void;
}
export interface StreamManagement {
  enabled: boolean;
  id: string;
  inbound: number;
  outbound: number;
  outbound_q: { stanza: XmlElement; stamp: string }[];
  timeout: number;
  requestAckInterval: number;
  on(ev: 'ack' | 'fail', fn: (stanza: XmlElement) => void): void;
  on(ev: 'resumed', fn: () => void): void;
  off(ev: string, fn: (...a: never[]) => void): void;
}
