import type { Migration } from './types';

/** accounts, contacts, metacontacts, conversations, messages (+ outbox and dedup indexes), settings, gaps */
export const migration: Migration = {
  version: 1,
  name: 'core tables',
  up(db) {
    db.exec(`
      CREATE TABLE accounts(
        id INTEGER PRIMARY KEY,
        protocol TEXT NOT NULL,
        label TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}',
        secrets TEXT NOT NULL DEFAULT '{}',
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE metacontacts(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL
      );
      CREATE TABLE contacts(
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        name TEXT,
        groups TEXT NOT NULL DEFAULT '[]',
        metacontact_id INTEGER REFERENCES metacontacts(id) ON DELETE SET NULL,
        UNIQUE(account_id, address)
      );
      CREATE INDEX contacts_meta ON contacts(metacontact_id) WHERE metacontact_id IS NOT NULL;
      CREATE TABLE conversations(
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK(kind IN ('direct', 'room')),
        address TEXT NOT NULL,
        title TEXT,
        contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
        last_read_id INTEGER,
        created_at INTEGER NOT NULL,
        UNIQUE(account_id, kind, address)
      );
      -- id = server-ms * 1024 + sequence: the rowid sorts by time. No foreign keys here: the hot
      -- insert path checks nothing it does not need (the store validates ids once per batch).
      CREATE TABLE messages(
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL,
        conversation_id INTEGER NOT NULL,
        sender TEXT NOT NULL,
        sender_name TEXT,
        body TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'chat',
        direction INTEGER NOT NULL,            -- 0 in, 1 out
        server_time INTEGER NOT NULL,
        received_time INTEGER NOT NULL,
        server_id TEXT,
        client_id TEXT,
        state TEXT,
        edited_at INTEGER,
        retracted_at INTEGER,
        source TEXT,
        oob_url TEXT
      );
      CREATE INDEX messages_conv ON messages(conversation_id, id);
      CREATE UNIQUE INDEX messages_server_id ON messages(conversation_id, server_id) WHERE server_id IS NOT NULL;
      CREATE UNIQUE INDEX messages_client_id ON messages(account_id, client_id) WHERE client_id IS NOT NULL AND direction = 1;
      CREATE INDEX messages_outbox ON messages(account_id, id) WHERE state IN ('queued', 'unconfirmed');
      CREATE TABLE settings(
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE gaps(
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
        from_time INTEGER NOT NULL,
        to_time INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
  },
};
