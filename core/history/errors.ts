/** Typed errors of the history store. Messages are safe to show to users and contain no secrets. */

export class HistoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** wrong passphrase / key, or the folder is not a Confab archive. Nothing was written. */
export class WrongKeyError extends HistoryError {
  constructor() {
    super('wrong passphrase, or not a Confab archive');
  }
}

/** the files are damaged; they were left as they were */
export class CorruptArchiveError extends HistoryError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`the archive is damaged (${detail}); it was left untouched`, options);
  }
}

/** written by a newer Confab */
export class NewerVersionError extends HistoryError {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`the archive was written by a newer Confab (schema ${found}, this version knows up to ${supported})`);
  }
}

/** another process holds the writer lock */
export class ArchiveLockedError extends HistoryError {
  constructor() {
    super('the archive is open in Confab');
  }
}

export class ArchiveExistsError extends HistoryError {
  constructor(dir: string) {
    super(`an archive already exists in ${dir}`);
  }
}

/** a malformed search query; `position` is the character offset where the problem was found */
export class QueryError extends HistoryError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** a write on a store opened read-only, or misuse of an API (unknown id, last slot, …) */
export class UsageError extends HistoryError {}
