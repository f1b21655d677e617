/** Connection-level lines: ISUPPORT (name rules), our own user@host (for the splitter), CHGHOST. */
import type { CaseMapping } from '../names';
import type { Handler } from './hooks';

export const connectionHandler: Handler = (ctx, hooks) => {
  hooks.raw('005', (l) => {
    for (const tok of l.params.slice(1, -1)) {
      const [k, v = ''] = tok.split('=');
      if (k === 'CASEMAPPING' && ['ascii', 'rfc1459', 'strict-rfc1459'].includes(v)) ctx.rules.caseMapping = v as CaseMapping;
      else if (k === 'CHANTYPES' && v) ctx.rules.chanTypes = v;
      else if (k === 'NICKLEN' && Number(v) > 0) ctx.rules.nickLen = Number(v);
      else if (k === 'CHANNELLEN' && Number(v) > 0) ctx.rules.channelLen = Number(v);
    }
  });
  // 001: "Welcome ... nick!user@host" on most servers
  hooks.raw('001', (l) => {
    if (l.params[0]) ctx.selfPrefix.nick = l.params[0];
    const m = /(\S+)!(\S+)@(\S+)\s*$/.exec(l.params[l.params.length - 1] ?? '');
    if (m && m[1] === l.params[0]) { ctx.selfPrefix.user = m[2]!; ctx.selfPrefix.host = m[3]!; }
  });
  // USERHOST reply: nick[*]=[+-]user@host
  hooks.raw('302', (l) => {
    for (const item of (l.params[l.params.length - 1] ?? '').split(' ')) {
      const m = /^([^=*]+)\*?=[+-]([^@]+)@(.+)$/.exec(item);
      if (m && ctx.norm(m[1]!) === ctx.norm(ctx.selfPrefix.nick)) { ctx.selfPrefix.user = m[2]!; ctx.selfPrefix.host = m[3]!; }
    }
  });
  // RPL_HOSTHIDDEN
  hooks.raw('396', (l) => { if (l.params[1]) ctx.selfPrefix.host = l.params[1]; });
  hooks.raw('CHGHOST', (l) => {
    const nick = (l.source ?? '').split('!')[0] ?? '';
    if (ctx.norm(nick) === ctx.norm(ctx.selfPrefix.nick) && l.params[0] && l.params[1]) {
      ctx.selfPrefix.user = l.params[0];
      ctx.selfPrefix.host = l.params[1];
    }
  });
};
