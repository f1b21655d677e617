import type { Command } from 'commander';
import { resolve } from 'node:path';
import { verifyExport, writeExport, type ExportFormat } from '../../core/archive/export/index';
import { collectMessages, type Selection } from '../../core/archive/select';
import { QueryError } from '../../core/history/index';
import { parseDateArg } from '../dates';
import { CliError, EXIT } from '../exit';
import { openStore, type GlobalOptions } from '../open';
import { buildQuery } from './search';

interface ExportFlags { out: string; conversation?: string; account?: string; person?: string; query?: string; since?: string; until?: string; format: string; json?: boolean }
interface VerifyFlags { head?: string; json?: boolean; archive?: boolean }

function title(f: ExportFlags): string {
  const parts: string[] = [];
  if (f.conversation) parts.push(`conversation ${f.conversation}`);
  if (f.person) parts.push(`everything with ${f.person}`);
  if (f.query) parts.push(`search "${f.query}"`);
  if (f.account) parts.push(`account ${f.account}`);
  if (!parts.length) parts.push('all conversations');
  if (f.since || f.until) parts.push(`${f.since ?? 'start'} … ${f.until ?? 'now'}`);
  return parts.join(', ');
}

export function registerExport(program: Command, g: () => GlobalOptions): void {
  program
    .command('export')
    .description('export a conversation, a date range, a person across networks or search results, with a manifest and a hash chain')
    .requiredOption('--out <dir>', 'new (or empty) folder to write into')
    .option('--conversation <name>', 'a conversation: room or peer address, or its title')
    .option('--person <name>', 'a person across networks (linked contacts, contact name or address)')
    .option('--query <query>', 'the results of a search (same language as confab search)')
    .option('--account <account>', 'only this account (label, protocol or id)')
    .option('--since <date>', 'from this day on (YYYY, YYYY-MM, YYYY-MM-DD)')
    .option('--until <date>', 'up to and including this day/month/year')
    .option('--format <list>', 'transcripts to write: html,txt (messages.jsonl and manifest.json always)', 'html,txt')
    .option('--json', 'print the manifest as JSON')
    .addHelpText('after', `
Examples:
  confab export --conversation '#confab' --out confab-channel/
  confab export --since 2024-01 --until 2024-03 --out q1-2024/
  confab export --person 'Bob Smith' --out bob/          # his XMPP and IRC conversations together
  confab export --query 'invoice OR receipt' --account work --out invoices/
  confab verify confab-channel/                          # later: proves nothing was changed

The folder gets transcript.html, transcript.txt, messages.jsonl (one message per line, hash-chained)
and manifest.json (SHA-256 of each file and the chain head). Write down the printed chain head to
prove later that the export is the one you made.`)
    .action(async (f: ExportFlags) => {
      const formats = f.format.split(',').map((s) => s.trim()).filter(Boolean) as ExportFormat[];
      for (const x of formats) if (!['html', 'txt', 'jsonl'].includes(x)) throw new CliError(`--format: unknown "${x}" (html, txt, jsonl)`, EXIT.USAGE);
      const sel: Selection = {
        ...(f.conversation ? { conversation: f.conversation } : {}),
        ...(f.person ? { person: f.person } : {}),
        ...(f.account ? { account: f.account } : {}),
        ...(f.query ? { query: buildQuery(f.query, {}) } : {}),
        ...(f.since ? { since: parseDateArg(f.since, '--since').start } : {}),
        ...(f.until ? { until: parseDateArg(f.until, '--until').end } : {}),
      };
      const store = await openStore(g(), 'read', 'export');
      let messages;
      try {
        messages = collectMessages(store, sel);
      } catch (err) {
        if (err instanceof QueryError) throw new CliError(`bad query at character ${err.position + 1}: ${err.message}`, EXIT.USAGE);
        throw err;
      } finally {
        store.close();
      }
      const out = resolve(f.out);
      let manifest;
      try {
        manifest = writeExport(out, messages, { title: title(f), selection: { ...f, out: undefined }, formats });
      } catch (err) {
        if (/not empty/.test((err as Error).message)) throw new CliError((err as Error).message + ': choose a new folder', EXIT.USAGE);
        throw err;
      }
      if (f.json) { process.stdout.write(JSON.stringify(manifest, null, 2) + '\n'); return; }
      process.stdout.write(`exported ${manifest.count} messages to ${out}\n`);
      for (const file of manifest.files) process.stdout.write(`  ${file.name}  sha256 ${file.sha256}\n`);
      process.stdout.write(`chain head ${manifest.chainHead}\n(keep the chain head elsewhere: \`confab verify ${f.out} --head <it>\` proves the export unchanged)\n`);
    });

  program
    .command('verify')
    .description('check an export folder (any edit, deletion or reordering, and where), or with --archive the archive itself')
    .argument('[dir]', 'an export folder written by confab export')
    .option('--head <hash>', 'the chain head you recorded at export time (detects a rewritten chain)')
    .option('--archive', 'check the encrypted archive database instead (reads every page)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', `
Examples:
  confab verify confab-channel/
  confab verify confab-channel/ --head 3f1c…e9
  confab verify --archive

Exit code 0: intact; 5: something was changed (each problem is printed with file, line and message number).`)
    .action(async (dir: string | undefined, f: VerifyFlags) => {
      if (f.archive) {
        const store = await openStore(g(), 'read', 'verify');
        try {
          const r = store.verify();
          if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
          else process.stdout.write(r.ok ? 'archive OK\n' : `archive damaged:\n${r.problems.map((p) => `  ${p}`).join('\n')}\n`);
          if (!r.ok) process.exitCode = EXIT.TAMPERED;
        } finally {
          store.close();
        }
        return;
      }
      if (!dir) throw new CliError('verify needs an export folder (or --archive)', EXIT.USAGE);
      const r = verifyExport(resolve(dir));
      if (f.head && r.chainHead !== f.head.toLowerCase()) {
        r.ok = false;
        r.problems.push({ file: 'manifest.json', kind: 'manifest', message: `the chain head is ${r.chainHead}, not the recorded ${f.head}: this is not the export you recorded` });
      }
      if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else if (r.ok) process.stdout.write(`OK: ${r.count} messages, every file and the hash chain intact (chain head ${r.chainHead})\n`);
      else {
        process.stdout.write(`TAMPERED: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in ${dir}\n`);
        for (const p of r.problems) process.stdout.write(`  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
      }
      if (!r.ok) process.exitCode = EXIT.TAMPERED;
    });
}
