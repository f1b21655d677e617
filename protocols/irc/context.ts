/**
 * The state one IRC account shares between its handler files (one per event family) and the adapter.
 * Handlers receive it from handlers/index.ts, where their order is written down.
 */
import type { AdapterDeps, AdapterErrorInfo, AdapterEvent, ConversationRef, PeerInfo, Presence } from '../../core/protocol/types';
import type { IrcConfig } from './config';
import { DEFAULT_RULES, isChannelName, type NameRules } from './names';
import type { SendQueue } from './sendQueue';
import type { IrcClient } from './wire';
import type { ParsedLine } from './parse';

export interface Member { nick: string; modes: string; away?: boolean }

/** a nick on the buddy list */
export interface Watched { nick: string; online?: boolean; away?: boolean }

export interface ChannelState {
  /** as the server spells it */
  name: string;
  key?: string;
  joined: boolean;
  topic?: string;
  members: Map<string, Member>;
}

export interface PendingSend {
  clientId: string;
  conv: ConversationRef;
  /** labels (or texts without labeled-response) still waiting for their echo */
  waiting: Set<string>;
  parts: number;
  serverId?: string;
  /** texts in order (to match echoes without labels) */
  texts: string[];
  target: string;
}

export interface IrcContext {
  readonly config: IrcConfig;
  readonly deps: AdapterDeps;
  client: IrcClient;
  queue: SendQueue;
  rules: NameRules;
  /** nick!user@host as others see us ('' parts unknown until the server tells) */
  selfPrefix: { nick: string; user?: string; host?: string };
  registered: boolean;
  channels: Map<string, ChannelState>;
  /** normalized nick → account / real name / user@host, for people in our channels or on the buddy list */
  peers: Map<string, PeerInfo>;
  /** our wanted presence, restored on reconnect */
  presence: Presence;
  /** nicks on our buddy list (MONITOR or ISON) */
  watched: Map<string, Watched>;
  /** ISON requests in flight, oldest first: which normalized nicks each one asked about */
  isonAsked: string[][];
  /** normalized nicks the server's MONITOR list had no room for (ERR_MONLISTFULL): polled by ISON */
  monitorOverflow: Set<string>;
  /** the server refused these nicks with ERR_MONLISTFULL: watch them by ISON polling instead */
  monitorFull(nicks: string[]): void;
  pendingByLabel: Map<string, PendingSend>;
  /** sends without labels, matched by echo text in order */
  pendingNoLabel: PendingSend[];
  /** label → handler for labeled responses other than messages (CHATHISTORY) */
  labelHandlers: Map<string, (lines: ParsedLine[]) => void>;
  nextLabel(): string;
  emit(e: AdapterEvent): void;
  error(info: AdapterErrorInfo): void;
  /** queued raw line; `label`: it carries this label and the server's answer frees its place (sendQueue.ts) */
  send(line: string, onSent?: () => void, label?: string): void;
  capEnabled(cap: string): boolean;
  norm(name: string): string;
  isChannel(name: string): boolean;
  conversationFor(target: string, fromNick: string): ConversationRef;
}

export function conversationFor(ctx: Pick<IrcContext, 'rules' | 'selfPrefix' | 'norm'>, target: string, fromNick: string): ConversationRef {
  const t = target.replace(/^[~&@%+]+(?=[#&!+])/, ''); // STATUSMSG (@#chan)
  if (isChannelName(t, ctx.rules)) return { kind: 'room', id: ctx.norm(t) };
  const self = ctx.norm(ctx.selfPrefix.nick);
  const peer = ctx.norm(fromNick) === self ? t : fromNick;
  return { kind: 'direct', id: ctx.norm(peer) };
}

export { DEFAULT_RULES };
