/** Errors of the archive tools. Messages are meant for users and hold no secrets or message text. */
export class ArchiveToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The disk (or the file size limit) refused a write. The running batch was rolled back by SQLite;
 * everything committed before it is intact.
 */
export class DiskFullError extends ArchiveToolError {
  constructor(readonly storedBefore: number, options?: { cause?: unknown }) {
    super(`the disk is full (or refused the write): writing was stopped (${storedBefore} new messages of this run were stored before that; nothing already stored was lost)`, options);
  }
}

/** A legal hold is on: no deletion of any kind. */
export class LegalHoldError extends ArchiveToolError {
  constructor(reason: string | null) {
    super(`a legal hold is on${reason ? ` (${reason})` : ''}: nothing may be deleted`);
  }
}

const FULL_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR', 'ENOSPC', 'EFBIG', 'EDQUOT']);

/** true when an error from SQLite / the file system means "no space left" */
export function isDiskFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (FULL_CODES.has(code) || code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR'))) return true;
    const msg = (e as { message?: unknown }).message;
    if (typeof msg === 'string' && /database or disk is full|disk I\/O error|no space left|file too large/i.test(msg)) return true;
  }
  return false;
}
