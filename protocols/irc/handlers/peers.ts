/**
 * Who people are: account-notify (ACCOUNT), extended-join, account-tag, SETNAME, CHGHOST, WHO/WHOX
 * and MONITOR replies, merged by peers.ts into member lists and the buddy list.
 */
import { parseWho, splitPrefix, updatePeer } from '../peers';
import type { Handler } from './hooks';

export const peersHandler: Handler = (ctx, hooks) => {
  const isSelf = (nick: string) => ctx.norm(nick) === ctx.norm(ctx.selfPrefix.nick);
  const known = (nick: string) => {
    const key = ctx.norm(nick);
    if (ctx.watched.has(key)) return true;
    for (const ch of ctx.channels.values()) if (ch.members.has(key)) return true;
    return false;
  };

  // JOIN runs before the channel handler adds the member, so its first 'occupants' already carries this
  hooks.raw('JOIN', (l) => {
    const { nick, userHost } = splitPrefix(l.source);
    if (!nick || isSelf(nick)) return;
    const extended = ctx.capEnabled('extended-join') && l.params.length >= 3;
    updatePeer(ctx, nick, {
      ...(userHost ? { userHost } : {}),
      ...(extended ? { account: l.params[1] === '*' ? '' : l.params[1]!, realName: l.params[2]! } : {}),
    });
  });
  hooks.raw('ACCOUNT', (l) => {
    const { nick } = splitPrefix(l.source);
    if (nick && l.params[0]) updatePeer(ctx, nick, { account: l.params[0] === '*' ? '' : l.params[0] });
  });
  hooks.raw('SETNAME', (l) => {
    const { nick } = splitPrefix(l.source);
    if (nick && l.params[0] !== undefined) updatePeer(ctx, nick, { realName: l.params[0] });
  });
  hooks.raw('CHGHOST', (l) => {
    const { nick } = splitPrefix(l.source);
    if (nick && l.params[0] && l.params[1]) updatePeer(ctx, nick, { userHost: `${l.params[0]}@${l.params[1]}` });
  });
  // live messages say who sent them (account-tag: no tag = not logged in); replays are old news
  const fromMessage = (l: { source?: string; tags: Record<string, string> }) => {
    const { nick, userHost } = splitPrefix(l.source);
    if (!nick || !userHost || l.tags.batch || !known(nick)) return;
    updatePeer(ctx, nick, { userHost, ...(ctx.capEnabled('account-tag') ? { account: l.tags.account ?? '' } : {}) });
  };
  hooks.raw('PRIVMSG', fromMessage);
  hooks.raw('NOTICE', fromMessage);
  hooks.raw('TAGMSG', fromMessage);

  const who = (l: { verb: string; params: string[] }) => {
    const e = parseWho(l.verb, l.params);
    if (!e || !known(e.nick)) return;
    updatePeer(ctx, e.nick, { userHost: e.userHost, realName: e.realName, ...(e.account !== undefined ? { account: e.account } : {}) });
  };
  hooks.raw('352', who);
  hooks.raw('354', who);

  // MONITOR online: nick!user@host,…
  hooks.raw('730', (l) => {
    for (const item of (l.params[l.params.length - 1] ?? '').split(',')) {
      const { nick, userHost } = splitPrefix(item.trim());
      if (nick && userHost) updatePeer(ctx, nick, { userHost });
    }
  });
};
