/** XEP-0085 chat state notifications (pure). */
import { NS } from './ns';
import { xml, type XmlElement } from './xml';

export type ChatState = 'active' | 'composing' | 'paused' | 'inactive' | 'gone';
const STATES: ChatState[] = ['active', 'composing', 'paused', 'inactive', 'gone'];

export function chatState(msg: XmlElement): ChatState | undefined {
  for (const el of msg.getChildElements()) {
    if (el.attrs.xmlns === NS.chatStates && (STATES as string[]).includes(el.name)) return el.name as ChatState;
  }
  return undefined;
}

export const chatStateElement = (s: ChatState) => xml(s, { xmlns: NS.chatStates });

/** a composing state is refreshed by the caller this often; peers drop it after ~30 s */
export const COMPOSING_REFRESH_MS = 15_000;

export function chatStateMessage(to: string, type: 'chat' | 'groupchat', s: ChatState): XmlElement {
  return xml('message', { to, type }, chatStateElement(s), xml('no-store', { xmlns: NS.hints }));
}
