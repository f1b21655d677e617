/**
 * The renderer's only way out: the contract's commands and events (ConfabApi), through whichever
 * host bridge was installed (Electron preload as window.confab, or the web host's WebSocket), plus
 * a few host services with browser fallbacks.
 */
import type { CommandInput, CommandName, CommandOutput, ConfabApi, ErrorDTO, NotificationDTO } from '../../contract';

/** host services beside the contract; each optional (the browser fallbacks are used otherwise) */
export interface HostExtras {
  /** opens a link outside the app (the host allow-lists the scheme again) */
  openExternal?(url: string): void;
  /** shows a desktop notification; `onClick` opens the conversation */
  notify?(n: NotificationDTO, onClick: () => void): void;
  /** the host's link to the engine: lost means every command will fail */
  onConnection?(fn: (up: boolean) => void): () => void;
}

export type Bridge = ConfabApi & HostExtras;

export class CommandError extends Error {
  readonly code: string;
  readonly fields: Record<string, string> | undefined;
  constructor(e: ErrorDTO) {
    super(e.message);
    this.name = 'CommandError';
    this.code = e.code;
    this.fields = e.fields;
  }
}

let current: Bridge | null = null;

export function setBridge(b: Bridge): void {
  current = b;
}

export function bridge(): Bridge {
  if (!current) throw new Error('no host bridge installed');
  return current;
}

/** runs a command; resolves with its value or throws CommandError */
export async function rpc<K extends CommandName>(cmd: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
  const reply = await bridge().call(cmd, input);
  if (!reply.ok) throw new CommandError(reply.error);
  return reply.value;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'xmpp:']);

/** true for the schemes a link may open outside: http, https, mailto, xmpp */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return SAFE_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function openExternal(url: string): void {
  if (!isSafeExternalUrl(url)) return;
  const b = bridge();
  if (b.openExternal) b.openExternal(url);
  else window.open(url, '_blank', 'noopener,noreferrer');
}

export function showNotification(n: NotificationDTO, onClick: () => void): void {
  const b = bridge();
  if (b.notify) return b.notify(n, onClick);
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const note = new Notification(n.title, { body: n.body, tag: n.conversationId, silent: !n.sound });
  note.onclick = () => {
    window.focus();
    onClick();
  };
}
