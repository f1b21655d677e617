/** Every message of a conversation, oldest first, paged through the engine like the UI scrolls back. */
import type { MessageDTO } from '../../contract/index';
import type { Eng } from './lib';

export async function allMessages(eng: Eng, conversationId: string): Promise<MessageDTO[]> {
  let page = await eng.call('messages.page', { conversationId, limit: 500 });
  const all = [...page.messages];
  while (page.hasBefore && page.messages.length) {
    page = await eng.call('messages.page', { conversationId, before: page.messages[0]!.id, limit: 500 });
    all.unshift(...page.messages);
  }
  return all;
}
