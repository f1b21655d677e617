/**
 * One SQLite connection of a store, with what every part of the store needs: statements prepared
 * once and cached, damage turned into CorruptArchiveError, and the write rule (no writes when
 * closed or read-only). The parts (accounts.ts, ingest.ts, search/…) share one Conn.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { CorruptArchiveError, UsageError } from './errors';
import { isCorruption, type DB } from './db';

export class Conn {
  private readonly stmts = new Map<string, Database.Statement>();
  private closed = false;

  constructor(
    readonly db: DB,
    readonly readOnly: boolean,
    /** schema version of the open database */
    readonly version: number,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** the cached prepared statement of sql */
  st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      if (this.closed) throw new UsageError('the archive is closed');
      try {
        s = this.db.prepare(sql);
      } catch (err) {
        if (isCorruption(err)) throw new CorruptArchiveError('a page does not read', { cause: err });
        throw err;
      }
      this.stmts.set(sql, s);
    }
    return s;
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.guard(() => this.st(sql).get(...params) as T | undefined);
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.guard(() => this.st(sql).all(...params) as T[]);
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    this.writable();
    return this.guard(() => this.st(sql).run(...params));
  }

  guard<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (isCorruption(err)) throw new CorruptArchiveError('a page does not read', { cause: err });
      throw err;
    }
  }

  writable(): void {
    if (this.closed) throw new UsageError('the archive is closed');
    if (this.readOnly) throw new UsageError('the archive is open read-only');
  }

  tx<T>(f: () => T): T {
    this.writable();
    return this.guard(() => this.db.transaction(f)());
  }

  /**
   * Several reads in one read transaction: one snapshot, and one round of WAL locks instead of one
   * per statement (measured: a one-row lookup 8–16 µs alone vs < 1 µs of work)
   */
  read<T>(f: () => T): T {
    if (this.closed) throw new UsageError('the archive is closed');
    if (this.db.inTransaction) return f();
    return this.guard(() => this.db.transaction(f)());
  }

  /** EXPLAIN QUERY PLAN details of a statement (tests assert the plans of hot queries) */
  explain(sql: string, params: unknown[]): string[] {
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return rows.map((r) => r.detail);
  }

  /** forgets the statements; the caller closes the database */
  markClosed(): void {
    this.closed = true;
    this.stmts.clear();
  }
}
