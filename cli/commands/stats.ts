import type { Command } from 'commander';
import { archiveStats } from '../../core/archive/stats';
import { openStore, archivePath, type GlobalOptions } from '../open';

export function registerStats(program: Command, g: () => GlobalOptions): void {
  program
    .command('stats')
    .description('count messages, conversations and accounts (works while the app is open)')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', `
Examples:
  confab stats
  confab stats --json | jq .messages`)
    .action(async (f: { json?: boolean }) => {
      const store = await openStore(g(), 'read', 'stats');
      try {
        const s = archiveStats(store);
        if (f.json) { process.stdout.write(JSON.stringify({ archive: archivePath(g()), ...s }, null, 2) + '\n'); return; }
        process.stdout.write(`archive ${archivePath(g())} (schema ${s.schemaVersion}, search index in ${s.indexSegments} segment${s.indexSegments === 1 ? "" : "s"})\n${s.messages} messages in ${s.conversations} conversations, ${s.accounts} accounts\n`);
        for (const a of s.perAccount) process.stdout.write(`  [${a.id}] ${a.label} (${a.protocol}): ${a.messages} messages, ${a.conversations} conversations\n`);
      } finally {
        store.close();
      }
    });
}
