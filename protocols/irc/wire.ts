/**
 * The one place irc-framework is imported and typed. Nothing of irc-framework leaves protocols/irc:
 * the rest of the adapter uses these interfaces, the engine sees only the adapter contract.
 * Only the parts Confab uses are typed.
 */
// @ts-expect-error irc-framework ships no type declarations; the surface used is typed below
import ircFrameworkUntyped from 'irc-framework';
import type { EventEmitter } from 'node:events';

export type Tags = Record<string, string | true | undefined>;

/** A parsed line as irc-framework's IrcMessage */
export interface IrcMessageLike {
  tags: Record<string, string | true>;
  prefix: string;
  nick: string;
  ident: string;
  hostname: string;
  command: string;
  params: string[];
  to1459(): string;
}

export interface MessageEvent {
  type: 'privmsg' | 'notice' | 'action';
  nick: string;
  ident: string;
  hostname: string;
  target: string;
  message: string;
  tags: Record<string, string | true>;
  time?: number;
  account?: string;
  batch?: { id: string; type: string; params: string[] };
  from_server?: boolean;
}

export interface NetworkCap {
  enabled: string[];
  available: Map<string, string>;
  isEnabled(cap: string): boolean;
}

export interface NetworkInfo {
  name: string;
  options: Record<string, string | string[] | boolean | undefined> & { PREFIX?: { symbol: string; mode: string }[] };
  cap: NetworkCap;
  supports(feature: string): unknown;
}

export interface IrcUser {
  nick: string;
  username: string;
  gecos: string;
  host: string;
  away: boolean;
}

export interface ConnectOptions {
  host: string;
  port: number;
  nick: string;
  username?: string;
  gecos?: string;
  password?: string;
  account?: { account: string; password: string } | Record<string, never>;
  sasl_mechanism?: string;
  sasl_disconnect_on_fail?: boolean;
  tls?: boolean;
  version?: string | null;
  auto_reconnect?: boolean;
  auto_reconnect_max_retries?: number;
  ping_interval?: number;
  ping_timeout?: number;
  enable_chghost?: boolean;
  enable_setname?: boolean;
  enable_echomessage?: boolean;
  message_max_length?: number;
  encoding?: string;
  /** a transport class (see transport.ts); gets these options in its constructor */
  transport?: unknown;
  /** carried through to our transport */
  [extra: string]: unknown;
}

export interface IrcClient extends EventEmitter {
  user: IrcUser;
  network: NetworkInfo;
  options: ConnectOptions;
  connected: boolean;
  connection: EventEmitter & { connected: boolean; write(line: string, cb?: () => void): void; end(line?: string, force?: boolean): void; transport: unknown };
  connect(options?: ConnectOptions): void;
  requestCap(cap: string | string[]): void;
  use(middleware: (client: IrcClient, raw: unknown, parsed: unknown) => void): void;
  raw(...args: (string | number | IrcMessageLike)[]): void;
  rawString(...args: (string | number)[]): string;
  quit(message?: string): void;
  changeNick(nick: string): void;
  say(target: string, message: string, tags?: Tags): void;
  notice(target: string, message: string, tags?: Tags): void;
  action(target: string, message: string): void;
  tagmsg(target: string, tags: Tags): void;
  join(channel: string, key?: string): void;
  part(channel: string, message?: string): void;
  invite(channel: string, nick: string): void;
  setTopic(channel: string, topic: string): void;
  mode(target: string, mode: string, extra?: string | string[]): void;
  ctcpResponse(target: string, type: string, ...params: string[]): void;
  ctcpRequest(target: string, type: string, ...params: string[]): void;
  who(target: string, cb?: (e: unknown) => void): void;
  addMonitor(target: string): void;
  removeMonitor(target: string): void;
  caseLower(s: string): string;
}

interface IrcFrameworkModule {
  Client: new (options?: Partial<ConnectOptions>) => IrcClient;
  Message: new (command: string, ...params: string[]) => IrcMessageLike;
  ircLineParser: (line: string) => IrcMessageLike | null;
  MessageTags: { encode(tags: Tags, separator?: string): string; decode(s: string): Record<string, string | true> };
}

const ircFramework = ircFrameworkUntyped as IrcFrameworkModule;

export const IrcFrameworkClient = ircFramework.Client;
export const IrcFrameworkMessage = ircFramework.Message;
export const parseLineRaw = ircFramework.ircLineParser;
export const MessageTagsCodec = ircFramework.MessageTags;
