import type { Command } from 'commander';
import type { HistoryStore, SearchHit } from '../../core/history/index';
import { QueryError } from '../../core/history/index';
import { formatTime, localDay, parseDateArg } from '../dates';
import { CliError, EXIT } from '../exit';
import { openStore, type GlobalOptions } from '../open';

const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface SearchFlags { from?: string[]; in?: string[]; account?: string[]; since?: string; until?: string; limit?: string; json?: boolean; order?: string }

/** the flags become filters of the query language, so the CLI searches exactly like the UI */
export function buildQuery(query: string, f: SearchFlags): string {
  const parts = [query.trim()];
  for (const v of f.from ?? []) parts.push(`from:${quote(v)}`);
  for (const v of f.in ?? []) parts.push(`in:${quote(v)}`);
  for (const v of f.account ?? []) parts.push(`account:${quote(v)}`);
  if (f.since) {
    const d = parseDateArg(f.since, '--since');
    parts.push(`after:${localDay(d.start)}`);
  }
  if (f.until) {
    const d = parseDateArg(f.until, '--until');
    parts.push(`before:${localDay(d.end)}`);
  }
  return parts.filter(Boolean).join(' ');
}

function runSearch(store: HistoryStore, q: string, limit: number, order: 'newest' | 'relevance', markers: [string, string]): SearchHit[] {
  const hits: SearchHit[] = [];
  let cursor: string | null = null;
  do {
    const page = store.search(q, { limit: Math.min(500, limit - hits.length), cursor, order, markers });
    hits.push(...page.hits);
    cursor = page.nextCursor;
  } while (cursor && hits.length < limit);
  return hits.slice(0, limit);
}

export function registerSearch(program: Command, g: () => GlobalOptions): void {
  program
    .command('search')
    .description('search the archive with the same query language as the app')
    .argument('<query...>', 'words, "phrases", prefix*, AND/OR/NOT, from: in: with: account: before: after: on:')
    .option('--from <who>', 'sender (address, nick, name, person; "me" = own messages); repeatable', collect)
    .option('--in <conversation>', 'conversation (room or peer address, or its title); repeatable', collect)
    .option('--account <account>', 'account label, protocol or id; repeatable', collect)
    .option('--since <date>', 'from this day on (YYYY, YYYY-MM, YYYY-MM-DD)')
    .option('--until <date>', 'up to and including this day/month/year')
    .option('--limit <n>', 'at most n results', '20')
    .option('--order <order>', 'newest (default) or relevance', 'newest')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', `
Examples:
  confab search invoice
  confab search '"see you soon"' --from alice --since 2024-01
  confab search 'deploy* NOT staging' --in '#ops' --account work --limit 100
  confab search 'from:bob in:#confab after:2026-11-01' --json | jq '.hits[].body'`)
    .action(async (words: string[], f: SearchFlags) => {
      const limit = Number(f.limit ?? 20);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a whole number ≥ 1', EXIT.USAGE);
      if (f.order !== 'newest' && f.order !== 'relevance') throw new CliError('--order is newest or relevance', EXIT.USAGE);
      const q = buildQuery(words.join(' '), f);
      const store = await openStore(g(), 'read', 'search');
      try {
        const tty = !f.json && process.stdout.isTTY;
        const markers: [string, string] = f.json ? ['<mark>', '</mark>'] : tty ? ['\x1b[1;33m', '\x1b[0m'] : ['**', '**'];
        let hits: SearchHit[];
        try {
          hits = runSearch(store, q, limit, f.order, markers);
        } catch (err) {
          if (err instanceof QueryError) throw new CliError(`bad query at character ${err.position + 1}: ${err.message}\n  ${q}\n  ${' '.repeat(err.position)}^`, EXIT.USAGE);
          throw err;
        }
        const accounts = new Map(store.listAccounts().map((a) => [a.id, a]));
        if (f.json) {
          process.stdout.write(JSON.stringify({
            query: q, count: hits.length,
            hits: hits.map((h) => ({
              id: h.message.id, time: new Date(h.message.serverTime).toISOString(),
              account: accounts.get(h.message.accountId)?.label ?? null, protocol: accounts.get(h.message.accountId)?.protocol ?? null,
              conversation: h.conversation.address, conversationTitle: h.conversation.title, conversationKind: h.conversation.kind,
              sender: h.message.sender, senderName: h.message.senderName, kind: h.message.kind, direction: h.message.direction,
              body: h.message.body, snippet: h.snippet, source: h.message.source,
            })),
          }, null, 2) + '\n');
          return;
        }
        if (!hits.length) { process.stdout.write(`no messages match ${q}\n`); return; }
        for (const h of hits) {
          const a = accounts.get(h.message.accountId);
          const conv = h.conversation.title ? `${h.conversation.title} (${h.conversation.address})` : h.conversation.address;
          const who = h.message.senderName || h.message.sender || '—';
          process.stdout.write(`${conv} [${a?.label ?? '?'}] · ${formatTime(h.message.serverTime)} · ${who}\n  ${h.snippet.replace(/\n/g, ' ')}\n`);
        }
        process.stdout.write(`${hits.length} result${hits.length === 1 ? '' : 's'}${hits.length === limit ? ` (limit ${limit}; --limit for more)` : ''}\n`);
      } finally {
        store.close();
      }
    });
}
