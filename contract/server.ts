// The receiving side: every command validated with its schema before a handler sees it.
// The engine uses it for its handlers; a bridge (web host, Electron main) uses `validateRequest`
// to refuse bad or host-only commands from a renderer before forwarding them.
import { commands, isCommandName, type CommandName, type CommandOutput, type CommandParsed } from './commands';
import { ContractError, fail, type Reply } from './reply';

export type Handlers = {
  [K in CommandName]: (input: CommandParsed<K>) => Promise<CommandOutput<K>> | CommandOutput<K>;
};

export type Validated = { ok: true; cmd: CommandName; input: unknown } | { ok: false; reply: Reply<never> };

export function validateRequest(cmd: unknown, input: unknown, opts: { fromRenderer?: boolean } = {}): Validated {
  if (!isCommandName(cmd)) return { ok: false, reply: fail('invalid', `unknown command ${JSON.stringify(String(cmd).slice(0, 100))}`) };
  const def = commands[cmd] as { hostOnly?: boolean; input: (typeof commands)[CommandName]['input'] };
  if (opts.fromRenderer && def.hostOnly) return { ok: false, reply: fail('invalid', `${cmd} is not available to the window`) };
  const parsed = def.input.safeParse(input ?? {});
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join('.') || '_'] = issue.message;
    return { ok: false, reply: fail('invalid', `invalid input for ${cmd}`, fields) };
  }
  return { ok: true, cmd, input: parsed.data };
}

export type Dispatch = (cmd: unknown, input: unknown, opts?: { fromRenderer?: boolean }) => Promise<Reply<unknown>>;

export function createDispatcher(handlers: Partial<Handlers>, opts: { onError?: (cmd: string, err: unknown) => void } = {}): Dispatch {
  return async (cmd, input, o) => {
    const v = validateRequest(cmd, input, o);
    if (!v.ok) return v.reply;
    const h = handlers[v.cmd] as ((i: unknown) => unknown) | undefined;
    if (!h) return fail('unsupported', `${v.cmd} is not implemented yet`);
    try {
      const value = await h(v.input);
      return { ok: true, value: value === undefined ? null : value };
    } catch (err) {
      if (err instanceof ContractError) return { ok: false, error: err.toDTO() };
      opts.onError?.(v.cmd, err);
      return fail('internal', err instanceof Error ? err.message : String(err));
    }
  };
}
