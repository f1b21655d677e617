import type Database from 'better-sqlite3-multiple-ciphers';

/** one numbered schema step; runs inside a transaction; never edited once released */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
