// accounts.*: add / edit / remove / reconnect accounts from the protocol descriptor's fields.
// Secrets (password fields) go to the encrypted store only, never into the plain config.
import { ContractError } from '../../contract/index';
import type { HistoryStore } from '../history/index';
import type { ConfigValues, ProtocolDescriptor } from '../protocol/types';
import { REMOVED } from './keys';
import type { EngineContext } from './context';
import type { HandlerFamily } from './handlers';

/** descriptor validation: required fields, then the protocol's own checks */
function validateConfig(d: ProtocolDescriptor, config: ConfigValues): void {
  const fields: Record<string, string> = {};
  for (const f of d.configFields) {
    const v = config[f.key];
    if (f.required && (v === undefined || v === '')) fields[f.key] = `${f.label} is required`;
    else if (v !== undefined && f.type === 'number' && typeof v !== 'number') fields[f.key] = `${f.label} must be a number`;
    else if (v !== undefined && f.type === 'boolean' && typeof v !== 'boolean') fields[f.key] = `${f.label} must be yes or no`;
    else if (v !== undefined && f.type === 'select' && f.options && !f.options.some((o) => o.value === v)) fields[f.key] = `${f.label}: not one of the choices`;
  }
  Object.assign(fields, d.validateConfig(config));
  if (Object.keys(fields).length) throw new ContractError('invalid', 'please check the highlighted fields', fields);
}

function splitSecrets(d: ProtocolDescriptor, config: ConfigValues) {
  const secretKeys = new Set(d.configFields.filter((f) => f.type === 'password').map((f) => f.key));
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    if (secretKeys.has(k)) {
      if (v !== '') secrets[k] = String(v);
    } else plain[k] = v;
  }
  return { plain, secrets };
}

function defaultLabel(d: ProtocolDescriptor, config: ConfigValues): string {
  for (const k of ['jid', 'account', 'username', 'nick']) if (typeof config[k] === 'string' && config[k]) return `${config[k]}${k === 'nick' && config['host'] ? ` @ ${config['host']}` : ''}`;
  return d.displayName;
}

export const accountOps: HandlerFamily = (ctx: EngineContext) => ({
  'accounts.list': () =>
    ctx.store
      .listAccounts()
      .filter((a) => !a.config[REMOVED])
      .map((a) => ctx.views.accountDTO(a, ctx.runtimes.get(String(a.id)))),
  'accounts.add': ({ protocol, label, config, enabled }) => {
    const d = ctx.descriptor(protocol);
    validateConfig(d, config);
    const { plain, secrets } = splitSecrets(d, config);
    const a = ctx.store.addAccount({ protocol, label: label || defaultLabel(d, config), config: plain, secrets, enabled });
    const rt = ctx.connections.add(a);
    if (rt && ctx.status.shouldConnect(rt)) void rt.connect();
    const dto = ctx.views.accountDTO(a, rt ?? undefined);
    ctx.emit({ type: 'accounts.changed', payload: dto });
    return dto;
  },
  'accounts.update': async ({ id, label, config, enabled }) => {
    const s = ctx.store;
    const a = s.getAccount(Number(id));
    if (!a) throw new ContractError('not-found', `no account ${id}`);
    const d = ctx.descriptor(a.protocol);
    let patch: Parameters<HistoryStore['updateAccount']>[1] = {};
    if (label !== undefined) patch.label = label;
    if (enabled !== undefined) patch.enabled = enabled;
    if (config) {
      const oldSecrets = s.accountSecrets(a.id);
      const merged: ConfigValues = { ...(a.config as ConfigValues), ...oldSecrets, ...config };
      // an empty password field keeps the stored secret
      for (const k of Object.keys(oldSecrets)) if (config[k] === '') merged[k] = oldSecrets[k];
      validateConfig(d, merged);
      const { plain, secrets } = splitSecrets(d, merged);
      patch = { ...patch, config: plain, secrets };
    }
    const updated = s.updateAccount(a.id, patch);
    let rt = ctx.runtimes.get(id);
    if (config && rt) {
      await rt.dispose();
      ctx.runtimes.delete(id);
      rt = ctx.connections.add(updated) ?? undefined;
    }
    if (rt) rt.account = updated;
    if (rt && (config || enabled) && ctx.status.shouldConnect(rt)) void rt.connect();
    if (rt && !updated.enabled) await rt.stop();
    const dto = ctx.views.accountDTO(updated, rt);
    ctx.emit({ type: 'accounts.changed', payload: dto });
    return dto;
  },
  'accounts.remove': async ({ id, keepHistory }) => {
    const s = ctx.store;
    const rt = ctx.runtimes.get(id);
    if (rt) await rt.dispose();
    ctx.runtimes.delete(id);
    if (keepHistory) {
      // the history store refuses to drop an account that has history: it stays, disabled,
      // without secrets, hidden from the account list, so its history remains searchable
      try {
        s.removeAccount(Number(id), { deleteHistory: false });
      } catch {
        const a = s.getAccount(Number(id));
        if (!a) throw new ContractError('not-found', `no account ${id}`);
        s.updateAccount(a.id, { enabled: false, secrets: {}, config: { ...a.config, [REMOVED]: true } });
      }
    } else s.removeAccount(Number(id), { deleteHistory: true });
    ctx.emit({ type: 'accounts.removed', payload: { id } });
    return null;
  },
  'accounts.reconnect': ({ id }) => {
    const rt = ctx.rt(id);
    if (rt.state === 'reconnecting') rt.reconnector.networkUp();
    else void rt.connect();
    return null;
  },
  'accounts.joinFields': ({ id }) => {
    const rooms = ctx.adapterOf(ctx.rt(id)).rooms;
    if (!rooms) throw new ContractError('unsupported', 'this network has no rooms');
    return rooms.joinFields.map((f) => ({ ...f }));
  },
});
