import { indexedSql } from '../text';
import type { Migration } from './types';

/**
 * The full-text index: FTS5 external content (the text lives once, in messages.body), kept in sync
 * by triggers, secure-delete on (a deleted or retracted message leaves no tokens behind),
 * unicode61 with diacritics removed, CJK characters indexed one by one (see text.ts).
 */
export const migration: Migration = {
  version: 2,
  name: 'full-text index',
  up(db) {
    const ins = (c: string) => indexedSql(c);
    db.exec(`
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        body,
        content = 'messages',
        content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, body) VALUES (new.id, ${ins('new.body')});
      END;
      CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, ${ins('old.body')});
      END;
      CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, ${ins('old.body')});
        INSERT INTO messages_fts(rowid, body) VALUES (new.id, ${ins('new.body')});
      END;
      INSERT INTO messages_fts(rowid, body) SELECT id, ${ins('body')} FROM messages;
    `);
  },
};
