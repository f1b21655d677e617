/** Exit codes of `confab` (also in docs/archive.md and `confab --help`). */
export const EXIT = {
  OK: 0,
  /** unexpected failure */
  ERROR: 1,
  /** bad arguments or query */
  USAGE: 2,
  /** no passphrase given, or the wrong one */
  AUTH: 3,
  /** the write lock is held by the app (or another confab) */
  LOCKED: 4,
  /** verify found tampering or damage */
  TAMPERED: 5,
  /** the disk is full: writes refused, nothing stored lost */
  DISK_FULL: 6,
  /** a legal hold blocked a deletion */
  HOLD: 7,
} as const;

/** An error the CLI reports as one clear line and an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}
