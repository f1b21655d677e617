// What one live incoming message sets off after it is stored: the notification decision, the DND
// digest, and the auto-reply (each a pure policy in notify.ts / autoreply.ts; this file applies them).
import type { Conversation, Message } from '../history/index';
import type { AccountRuntime } from './accounts';
import { autoReplyBody, shouldAutoReply } from './autoreply';
import type { EngineContext } from './context';
import { decideNotification } from './notify';
import { effectiveStatus } from './presence';

export function afterIncoming(ctx: EngineContext, rt: AccountRuntime, conv: Conversation, m: Message, mention: boolean) {
  const settings = ctx.settings;
  const eff = effectiveStatus(ctx.status.state);
  // the sender's person costs a lookup: only when a VIP list or the DND digest needs it
  let pid: string | undefined | null = null;
  const personId = () => (pid === null ? (pid = ctx.views.personIdFor(rt.account.id, conv.kind === 'direct' ? conv.address : m.sender)) : pid);
  const vip = settings.breakthrough.people.length > 0 && settings.breakthrough.people.includes(personId() ?? '');
  const muted = ctx.mutedSet().has(String(conv.id));
  const d = decideNotification({
    direction: 'in',
    kind: m.kind,
    body: m.body,
    replay: false,
    conversationKind: conv.kind,
    muted,
    selfNames: ctx.views.selfNames(rt, conv),
    mention,
    vip,
    keywords: settings.breakthrough.keywords,
    dnd: eff.dnd,
    settings: settings.notifications,
  });
  const title = ctx.views.conversationTitle(rt, conv);
  if (d.notify) {
    ctx.emit({
      type: 'notify',
      payload: { conversationId: String(conv.id), messageId: String(m.id), title: conv.kind === 'room' ? `${m.senderName ?? m.sender} in ${title}` : title, body: m.body.slice(0, 500), sound: d.sound, attention: d.attention, reason: d.reason },
    });
  }
  const digest = ctx.status.digest;
  if (eff.dnd && digest && !muted && (conv.kind === 'direct' || mention)) {
    digest.messages++;
    if (mention) digest.mentions++;
    const key = String(conv.id);
    const p = personId();
    const f = digest.from.get(key) ?? { name: title, ...(p ? { personId: p } : {}), conversationId: key, messages: 0, mentions: 0 };
    f.messages++;
    if (mention) f.mentions++;
    digest.from.set(key, f);
  }
  const contactKey = `${rt.id} ${conv.address}`;
  if (
    shouldAutoReply({
      settings: settings.autoReply,
      show: eff.show,
      direction: 'in',
      kind: m.kind,
      conversationKind: conv.kind,
      replay: false,
      body: m.body,
      lastSentAt: ctx.counters.autoRepliedAt(contactKey),
      now: ctx.now(),
    })
  ) {
    ctx.counters.noteAutoReply(contactKey, ctx.now());
    try {
      ctx.outbox.queue(rt, conv, autoReplyBody(settings.autoReply), 'notice');
    } catch (err) {
      ctx.log.warn('auto-reply failed', { account: rt.id, err: String(err) });
    }
  }
}
