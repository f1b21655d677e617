/** Maps what xmpp.js and the transport throw to the contract's classified errors. */
import { AdapterError } from '../../core/protocol/types';

export const netError = (message: string, code = 'network', cause?: unknown) => new AdapterError({ kind: 'network', fatal: false, message, code }, { cause });

/** maps anything thrown by xmpp.js or the transport to the contract's error classes */
export function classifyError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  const e = err as { name?: string; condition?: string; message?: string; code?: string; text?: string };
  const msg = e?.message ?? String(err);
  if (e?.name === 'SASLError') {
    const temporary = e.condition === 'temporary-auth-failure';
    return new AdapterError({ kind: 'auth', fatal: !temporary, message: `login refused: ${e.condition ?? msg}${e.text ? ` (${e.text})` : ''}`, code: e.condition ?? 'sasl' }, { cause: err });
  }
  if (e?.name === 'StreamError') {
    const c = e.condition ?? '';
    if (c === 'host-unknown' || c === 'improper-addressing') return new AdapterError({ kind: 'config', fatal: true, message: `the server does not serve this domain (${c})`, code: c }, { cause: err });
    if (c === 'conflict') return new AdapterError({ kind: 'name-in-use', fatal: false, message: 'another client took over this resource', code: c }, { cause: err });
    if (c === 'not-authorized') return new AdapterError({ kind: 'auth', fatal: true, message: 'not authorized', code: c }, { cause: err });
    if (c === 'system-shutdown' || c === 'connection-timeout' || c === 'reset') return netError(`the server closed the stream (${c})`, c, err);
    return new AdapterError({ kind: 'protocol', fatal: false, message: `stream error: ${c}${e.text ? ` (${e.text})` : ''}`, code: c }, { cause: err });
  }
  if (e?.name === 'TimeoutError') return netError('the server did not answer in time', 'timeout', err);
  if (e?.code && /^E[A-Z]+/.test(e.code)) return netError(`network: ${e.code}`, e.code, err);
  if (e?.name === 'XMLError') return new AdapterError({ kind: 'protocol', fatal: false, message: `malformed XML from the server: ${msg}`, code: 'xml' }, { cause: err });
  return new AdapterError({ kind: 'protocol', fatal: false, message: msg, code: e?.condition ?? 'protocol' }, { cause: err });
}
