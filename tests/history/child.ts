/**
 * A second process for the multi-process tests (run with `node --import tsx child.ts <cmd> …`).
 * Prints one line per result; never prints message text or keys.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ArchiveLockedError, openArchive, readKeyFile } from '../../core/history/index';
import type { SqliteHistoryStore } from '../../core/history/store';

const [cmd, dir, pass, arg] = process.argv.slice(2) as [string, string, string, string | undefined];

function main(): void {
  switch (cmd) {
    case 'open-writer': {
      try {
        const s = openArchive(dir, { passphrase: pass });
        console.log('OPENED');
        s.close();
      } catch (err) {
        console.log(err instanceof ArchiveLockedError ? `LOCKED ${err.message}` : `ERROR ${String(err)}`);
      }
      return;
    }
    case 'read-search': {
      const s = openArchive(dir, { passphrase: pass }, { readOnly: true });
      const r = s.search(arg ?? '');
      console.log(`HITS ${r.hits.length} COUNT ${s.countMessages()}`);
      s.close();
      return;
    }
    case 'hold-writer': {
      // writes batches forever, printing after each commit, until killed
      const s = openArchive(dir, { passphrase: pass });
      const acc = s.listAccounts()[0]!.id;
      const conv = s.listConversations()[0]!.id;
      let n = 0;
      console.log('READY');
      const tick = () => {
        const rows = Array.from({ length: 200 }, (_, i) => ({
          accountId: acc,
          conversationId: conv,
          sender: 'bob@example.org',
          body: `durable batch ${n} row ${i}`,
          direction: 'in' as const,
          serverTime: Date.UTC(2025, 0, 1) + n * 1000 + i,
          serverId: `hold-${n}-${i}`,
        }));
        s.insertMessages(rows);
        console.log(`COMMITTED ${++n}`);
        setTimeout(tick, 5);
      };
      tick();
      return;
    }
    case 'open-io': {
      // bytes this process reads (read/pread syscalls, /proc/self/io rchar) to open + close the
      // archive, and for the first write after opening (id allocation and dedup probes)
      const rchar = () => Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
      const key = readKeyFile(arg!);
      const r0 = rchar();
      openArchive(dir, { key }).close();
      const r1 = rchar();
      const s = openArchive(dir, { key });
      const r2 = rchar();
      s.insertMessage({ accountId: 1, conversationId: 1, sender: 'bob@example.org', body: 'one more', direction: 'in', serverTime: Date.UTC(2030, 0, 1), serverId: 'io-probe' });
      const r3 = rchar();
      s.close();
      // the /proc read itself is counted in each delta; it is the same few hundred bytes every time
      console.log(`OPEN ${r1 - r0} WRITE ${r3 - r2}`);
      return;
    }
    case 'temp-archive': {
      // heavy temp users on the encrypted archive (sorts bigger than the cache, temp tables, VACUUM)
      const s = openArchive(dir, { passphrase: pass }) as SqliteHistoryStore;
      const db = s.connection;
      db.pragma('cache_size = 20');
      db.prepare('SELECT body FROM messages ORDER BY body, sender').all();
      db.exec('CREATE TEMP TABLE t AS SELECT * FROM messages');
      db.prepare('SELECT count(DISTINCT body) FROM t').get();
      db.exec('VACUUM');
      s.close();
      console.log('DONE');
      return;
    }
    case 'temp-control': {
      // the same work on a plain SQLite file with temp_store=FILE: proves the watcher sees temp files
      const db = new Database(join(dir, 'control.db'));
      db.pragma('temp_store = FILE');
      db.pragma('cache_size = 20');
      db.exec('CREATE TABLE IF NOT EXISTS m(body TEXT, sender TEXT)');
      const ins = db.prepare('INSERT INTO m VALUES (?, ?)');
      db.transaction(() => { for (let i = 0; i < 20000; i++) ins.run(`row ${(i * 7919) % 20000} text`, 'x'); })();
      db.prepare('SELECT body FROM m ORDER BY body, sender').all();
      db.exec('CREATE TEMP TABLE t AS SELECT * FROM m');
      db.exec('VACUUM');
      db.close();
      console.log('DONE');
      return;
    }
    default:
      console.log(`ERROR unknown command ${cmd}`);
  }
}

main();
