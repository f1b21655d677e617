import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { DiskFullError } from '../../core/archive/errors';
import { PARSERS, type LogFormat } from '../../core/archive/import/index';
import { importLogs, type ImportSummary } from '../../core/archive/importer';
import { CliError, EXIT } from '../exit';
import { openStore, type GlobalOptions } from '../open';

interface ImportFlags { format?: string; utcOffset?: string; dryRun?: boolean; json?: boolean; progress: boolean }

function parseOffset(s: string): number {
  const m = /^([+-])?(\d{1,2}):?(\d{2})$/.exec(s) ?? /^([+-])?(\d{1,4})$/.exec(s);
  if (!m) throw new CliError('--utc-offset is like +01:00, -0500 or 0', EXIT.USAGE);
  const sign = m[1] === '-' ? -1 : 1;
  const mins = m[3] !== undefined ? +m[2]! * 60 + +m[3] : +m[2]! * 60;
  return sign * mins;
}

function printSummary(s: ImportSummary, dry: boolean): void {
  const out = process.stdout;
  const fmts = Object.entries(s.byFormat).map(([k, v]) => `${k} ${v}`).join(', ');
  if (dry) out.write(`dry run: ${s.parsed} messages found in ${s.files - s.skippedFiles} of ${s.files} files (${fmts || 'none'}); nothing was written\n`);
  else out.write(`imported ${s.inserted} new messages from ${s.files - s.skippedFiles} of ${s.files} files (${fmts || 'none'}); ${s.duplicates} were already in the archive\n`);
  if (s.skippedFiles) out.write(`${s.skippedFiles} file${s.skippedFiles === 1 ? '' : 's'} not recognised as a chat log\n`);
  if (s.issues.length) out.write(`${s.issues.length} problem${s.issues.length === 1 ? '' : 's'} (the rest was imported):\n`);
  for (const i of s.issues.slice(0, 200)) out.write(`  ${i.path}${i.line ? `:${i.line}` : ''}: ${i.message}\n`);
  if (s.issues.length > 200) out.write(`  … and ${s.issues.length - 200} more (--json lists all)\n`);
}

export function registerImport(program: Command, g: () => GlobalOptions): void {
  program
    .command('import')
    .description('import logs of other clients (Pidgin HTML/TXT, irssi, WeeChat, HexChat); needs the write lock')
    .argument('<path...>', 'log files or folders (walked recursively)')
    .option('--format <format>', `force a format instead of detecting it: ${Object.keys(PARSERS).join(', ')}`)
    .option('--utc-offset <offset>', 'time zone the logs were written in, e.g. +01:00 (default: this computer\'s zone; Pidgin file names carry their own)')
    .option('--dry-run', 'parse and report only, write nothing')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `
Examples:
  confab import ~/.purple/logs                     # all Pidgin logs (HTML and TXT, 1:1 and chats)
  confab import ~/irclogs ~/.local/share/weechat/logs ~/.config/hexchat/logs
  confab import --dry-run old-logs/                 # what would be imported, and any problems
  confab import --utc-offset -05:00 laptop-irclogs/

Importing the same files again adds nothing. Malformed files and lines are listed as path:line
and skipped; the rest is imported.`)
    .action(async (paths: string[], f: ImportFlags) => {
      if (f.format && !(f.format in PARSERS)) throw new CliError(`unknown --format ${f.format} (one of ${Object.keys(PARSERS).join(', ')})`, EXIT.USAGE);
      const opts = {
        ...(f.format ? { format: f.format as LogFormat } : {}),
        ...(f.utcOffset !== undefined ? { utcOffsetMinutes: parseOffset(f.utcOffset) } : {}),
      };
      for (const p of paths) if (!existsSync(p)) throw new CliError(`no such file or folder: ${p}`, EXIT.USAGE);
      const store = f.dryRun ? null : await openStore(g(), 'write', 'import');
      const bar = f.progress && process.stderr.isTTY && !f.json
        ? new SingleBar({ stream: process.stderr, format: 'importing [{bar}] {value}/{total} files | {messages} messages, {inserted} new', hideCursor: true }, Presets.shades_classic)
        : null;
      let started = false;
      let lastLine = Date.now();
      let summary: ImportSummary;
      try {
        summary = importLogs(store, paths, {
          ...opts,
          dryRun: !!f.dryRun,
          onProgress: (p) => {
            if (!bar) {
              // not a terminal (a script or a log file): a plain line every few seconds on long imports
              if (f.progress && !f.json && Date.now() - lastLine > 5000) {
                lastLine = Date.now();
                process.stderr.write(`confab: importing… ${p.fileIndex + 1}/${p.files} files, ${p.messages} messages (${p.inserted} new)\n`);
              }
              return;
            }
            if (!started) { bar.start(p.files, 0, { messages: 0, inserted: 0 }); started = true; }
            bar.update(p.fileIndex + 1, { messages: p.messages, inserted: p.inserted });
          },
        });
        // many new messages leave the full-text index in many segments: merged now, searches read less
        if (store && summary.inserted > 0) while (store.compactIndexStep(1024));
      } catch (err) {
        if (err instanceof DiskFullError) throw new CliError(err.message, EXIT.DISK_FULL);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`no such file or folder: ${(err as NodeJS.ErrnoException).path}`, EXIT.USAGE);
        throw err;
      } finally {
        if (started) bar?.stop();
        store?.close();
      }
      if (f.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else printSummary(summary, !!f.dryRun);
    });
}
