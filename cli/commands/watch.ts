import type { Command } from 'commander';
import { addWatch, listWatches, pollWatches, removeWatch, watchNotifyInput } from '../../core/archive/watch';
import { decideNotification } from '../../core/engine/notify';
import { QueryError, type HistoryStore } from '../../core/history/index';
import { formatTime } from '../dates';
import { CliError, EXIT } from '../exit';
import { openStore, type GlobalOptions } from '../open';

async function withStore<T>(g: GlobalOptions, mode: 'read' | 'write', why: string, fn: (s: HistoryStore) => T): Promise<T> {
  const store = await openStore(g, mode, why);
  try {
    return fn(store);
  } catch (err) {
    if (err instanceof QueryError) throw new CliError(`bad query at character ${err.position + 1}: ${err.message}`, EXIT.USAGE);
    throw err;
  } finally {
    store.close();
  }
}

export function registerWatch(program: Command, g: () => GlobalOptions): void {
  const w = program
    .command('watch')
    .description('keyword watch: saved searches that report new matching messages')
    .addHelpText('after', `
Examples:
  confab watch add outage 'outage OR "is down"' --breakthrough   # also under Do Not Disturb
  confab watch add invoices 'invoice* account:work'
  confab watch list
  confab watch check            # new matches since the last check (then marks them seen)
  confab watch check --dnd      # as notifications would decide under Do Not Disturb
  confab watch remove invoices

The app notifies for new matches; "check" is for scripts (cron, mail). add/remove/check need the
write lock (close the app first); list and "check --peek" do not.`);

  w.command('add').description('save a search as a watch').argument('<name>').argument('<query>', 'the search language of confab search')
    .option('--breakthrough', 'notify even under Do Not Disturb')
    .action(async (name: string, query: string, f: { breakthrough?: boolean }) => {
      await withStore(g(), 'write', 'adding a watch', (store) => {
        const x = addWatch(store, name, query, { breakthrough: !!f.breakthrough });
        process.stdout.write(`watch "${x.name}" saved${x.breakthrough ? ' (breaks through Do Not Disturb)' : ''}: new messages matching ${x.query} will be reported\n`);
      });
    });

  w.command('list').description('the saved watches').option('--json', 'JSON').action(async (f: { json?: boolean }) => {
    await withStore(g(), 'read', 'watch list', (store) => {
      const all = listWatches(store);
      if (f.json) { process.stdout.write(JSON.stringify(all, null, 2) + '\n'); return; }
      if (!all.length) process.stdout.write('no watches\n');
      for (const x of all) process.stdout.write(`${x.name}: ${x.query}${x.breakthrough ? '  [breakthrough]' : ''}\n`);
    });
  });

  w.command('remove').description('delete a watch').argument('<name>').action(async (name: string) => {
    await withStore(g(), 'write', 'removing a watch', (store) => {
      if (!removeWatch(store, name)) throw new CliError(`no watch named "${name}"`, EXIT.USAGE);
      process.stdout.write(`watch "${name}" removed\n`);
    });
  });

  w.command('check').description('report new matches of every watch').option('--peek', 'do not mark them seen (read-only)')
    .option('--dnd', 'decide as under Do Not Disturb: only breakthrough watches notify').option('--json', 'JSON')
    .action(async (f: { peek?: boolean; dnd?: boolean; json?: boolean }) => {
      await withStore(g(), f.peek ? 'read' : 'write', 'checking watches', (store) => {
        const watches = new Map(listWatches(store).map((x) => [x.id, x]));
        const matches = pollWatches(store, { advance: !f.peek, markers: ['**', '**'] });
        // the app's own decision, with notifications on and nothing muted
        const ctx = { dnd: !!f.dnd, muted: false, settings: { enabled: true, sound: false, rooms: 'all' as const } };
        const rows = matches.map((m) => ({ m, d: decideNotification(watchNotifyInput(watches.get(m.watchId)!, m, ctx)) }));
        if (f.json) {
          process.stdout.write(JSON.stringify(rows.map(({ m, d }) => ({
            watch: m.watch, id: m.hit.message.id, time: new Date(m.hit.message.serverTime).toISOString(), conversation: m.hit.conversation.address,
            sender: m.hit.message.sender, body: m.hit.message.body, notify: d.notify, ...(d.notify ? {} : { why: d.why }),
          })), null, 2) + '\n');
          return;
        }
        if (!rows.length) { process.stdout.write('no new matches\n'); return; }
        for (const { m, d } of rows) {
          process.stdout.write(`[${m.watch}] ${m.hit.conversation.address} · ${formatTime(m.hit.message.serverTime)} · ${m.hit.message.senderName || m.hit.message.sender}: ${m.hit.snippet}` +
            `${d.notify ? '' : `  (no notification: ${d.why})`}\n`);
        }
      });
    });
}
