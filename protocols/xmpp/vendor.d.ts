// Minimal typings for the untyped xmpp.js 0.14 packages and ltx, as far as this adapter uses them.
// Only protocols/xmpp/*.ts import these modules; exported adapter types never expose them.
declare module '@xmpp/xml' {
  import type { XmlElement } from './xml-types';
  const xml: {
    (name: string, attrs?: Record<string, string | number | undefined> | null, ...children: unknown[]): XmlElement;
    Element: new (name: string, attrs?: Record<string, string>) => XmlElement;
    Parser: new () => import('node:events').EventEmitter & { write(s: string): void; end(s?: string): void };
  };
  export default xml;
}
declare module 'ltx/lib/parse.js' {
  import type { XmlElement } from './xml-types';
  const parse: (s: string) => XmlElement;
  export default parse;
}
declare module '@xmpp/client-core' {
  import type { XmlElement } from './xml-types';
  import type { EventEmitter } from 'node:events';
  export class Client extends EventEmitter {
    constructor(opts: Record<string, unknown>);
    transports: unknown[];
    jid: { toString(): string; bare(): { toString(): string } } | null;
    status: string;
    socket: unknown;
    options: Record<string, unknown>;
    timeout: number;
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    disconnect(): Promise<unknown>;
    send(el: XmlElement): Promise<void>;
    sendMany(els: XmlElement[]): Promise<void>;
    sendReceive(el: XmlElement, timeout?: number): Promise<XmlElement>;
    restart(): Promise<void>;
    isSecure(): boolean;
    _onElement(el: XmlElement): void;
    _jid(id: string): unknown;
    _ready(resumed?: boolean): void;
    _status(status: string, ...args: unknown[]): void;
  }
}
declare module '@xmpp/connection-tcp' {
  const ConnectionTCP: new (...args: unknown[]) => object;
  export default ConnectionTCP;
}
declare module '@xmpp/middleware' {
  const m: (deps: { entity: unknown }) => import('./xml-types').Middleware;
  export default m;
}
declare module '@xmpp/stream-features' {
  const m: (deps: { middleware: unknown }) => import('./xml-types').StreamFeatures;
  export default m;
}
declare module '@xmpp/iq/caller.js' {
  const m: (deps: { middleware: unknown; entity: unknown }) => import('./xml-types').IqCaller;
  export default m;
}
declare module '@xmpp/iq/callee.js' {
  const m: (deps: { middleware: unknown; entity: unknown }) => import('./xml-types').IqCallee;
  export default m;
}
declare module '@xmpp/sasl' {
  const m: (deps: { streamFeatures: unknown; saslFactory: unknown }, onAuthenticate: (...args: any[]) => Promise<void>) => void;
  export default m;
}
declare module '@xmpp/resource-binding' {
  const m: (deps: { streamFeatures: unknown; iqCaller: unknown }, resource?: string) => void;
  export default m;
}
declare module '@xmpp/stream-management' {
  const m: (deps: { streamFeatures: unknown; entity: unknown; middleware: unknown }) => import('./xml-types').StreamManagement;
  export default m;
}
declare module '@xmpp/sasl-scram-sha-1' {
  const m: (factory: unknown) => void;
  export default m;
}
declare module '@xmpp/sasl-plain' {
  const m: (factory: unknown) => void;
  export default m;
}
declare module 'saslmechanisms' {
  export default class SASLFactory {
    _mechs: { name: string }[];
  }
}
