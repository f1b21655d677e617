/**
 * The IRC adapter: irc-framework for registration, CAP/SASL, PING and parsing; our transport for
 * TCP/TLS/proxies; our splitter, send queue, labels and handlers for everything a user notices.
 * This file only composes the parts, each in its own file:
 *   account.ts  what outlives a connection (listeners, wanted presence, the live context)
 *   session.ts  connect / register / lost link / disconnect
 *   rooms.ts    JOIN, PART, INVITE, TOPIC, instant meeting, rejoin after a reconnect
 *   buddies.ts  the buddy list (MONITOR, ISON)
 *   outgoing.ts messages, typing, AWAY
 *   historyFetch.ts CHATHISTORY
 *   handlers/   what the server says, one file per event family
 */
import type {
  AdapterDeps, AdapterListener, Capabilities, ConversationRef, OutgoingMessage, Presence, ProtocolAdapter, ValidationResult,
  ContactsGroup, RoomsGroup, TypingGroup, HistoryGroup,
} from '../../core/protocol/types';
import { IrcAccount } from './account';
import { IrcBuddies } from './buddies';
import type { IrcConfig } from './config';
import { fetchHistory } from './historyFetch';
import { DEFAULT_RULES, isChannelName, validateAddress } from './names';
import { awayLine, sendMessage, sendTyping } from './outgoing';
import { IrcRooms } from './rooms';
import { IrcSession } from './session';

export class IrcAdapter implements ProtocolAdapter {
  readonly caps: Capabilities = {
    presenceShows: ['available', 'away', 'xa', 'dnd', 'offline'],
    maxMessageBytes: 16 * 1024,
    serverAck: true,
    deliveryReceipts: false,
    stableClientIds: false,
  };

  private readonly account: IrcAccount;
  private readonly session: IrcSession;
  private readonly roomOps: IrcRooms;

  readonly rooms: RoomsGroup;
  readonly contacts: ContactsGroup;
  readonly typing: TypingGroup;
  readonly history: HistoryGroup;

  constructor(config: IrcConfig, deps: AdapterDeps) {
    const account = (this.account = new IrcAccount(config, deps));
    const rooms = (this.roomOps = new IrcRooms(account));
    const buddies = new IrcBuddies(account);
    account.beforeEmit = (e) => rooms.track(e);
    this.session = new IrcSession(account, {
      watched: buddies.watched,
      monitorFull: (ctx, nicks) => buddies.monitorFull(ctx, nicks),
      // restore what the user had: channels (with keys), away, buddy list
      restore: (ctx) => {
        rooms.rejoin(ctx);
        const away = awayLine(account.presence);
        if (away) ctx.send(away);
        buddies.start(ctx);
      },
      stopped: () => buddies.stop(),
    });
    const name = (roomId: string) => rooms.channelName(roomId);
    this.rooms = rooms.group;
    this.contacts = buddies.group;
    this.typing = { sendTyping: (conv, state) => sendTyping(account, name, conv, state) };
    this.history = { fetchHistory: (conv, opts) => fetchHistory(account, name, conv, opts) };
  }

  subscribe(listener: AdapterListener): () => void {
    return this.account.listeners.add(listener);
  }

  normalize(id: string): ValidationResult {
    const rules = this.account.ctx?.rules ?? DEFAULT_RULES;
    return validateAddress(id, isChannelName(id.trim(), rules) ? 'room' : 'direct', rules);
  }

  connect(signal: AbortSignal): Promise<void> {
    return this.session.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.session.disconnect();
  }

  async send(conv: ConversationRef, message: OutgoingMessage): Promise<void> {
    sendMessage(this.account, (roomId) => this.roomOps.channelName(roomId), conv, message);
  }

  async setPresence(p: Presence): Promise<void> {
    this.account.presence = p;
    const ctx = this.account.ctx;
    if (!ctx?.registered) return; // applied on the next connect
    if (p.show === 'offline') { await this.disconnect(); return; }
    ctx.send(awayLine(p) ?? 'AWAY');
  }
}
