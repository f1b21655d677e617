// Replies are data, never thrown across a process boundary.
import type { ErrorCode, ErrorDTO } from './dto';

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorDTO };

export const ok = <T>(value: T): Reply<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, fields?: Record<string, string>): Reply<never> => ({
  ok: false,
  error: fields ? { code, message, fields } : { code, message },
});

/** Thrown by command handlers to produce an `{ok:false}` reply with a code the UI understands. */
export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ContractError';
  }
  toDTO(): ErrorDTO {
    return this.fields ? { code: this.code, message: this.message, fields: this.fields } : { code: this.code, message: this.message };
  }
}

/** Unwraps a reply or throws a ContractError (handy in tests and scripts). */
export function unwrap<T>(r: Reply<T>): T {
  if (r.ok) return r.value;
  throw new ContractError(r.error.code, r.error.message, r.error.fields);
}
