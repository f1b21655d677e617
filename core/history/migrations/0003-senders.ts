import type { Migration } from './types';

/**
 * Who has written: the distinct (sender, display name) pairs, and messages by sender. Lets `from:`
 * resolve to exact senders once per search and walk only that person's messages (index only)
 * instead of checking every full-text hit (measured at 1M messages: person filter p50 457 ms before).
 */
export const migration: Migration = {
  version: 3,
  name: 'senders',
  up(db) {
    db.exec(`
      CREATE TABLE senders(
        sender TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (sender, name)
      ) WITHOUT ROWID;
      INSERT OR IGNORE INTO senders(sender, name) SELECT DISTINCT sender, coalesce(sender_name, '') FROM messages;
      CREATE INDEX messages_sender ON messages(sender, id);
    `);
  },
};
