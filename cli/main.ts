/**
 * `confab`: the archive from a terminal — search, import, export, verify, stats, retention.
 * A thin host over core/archive and core/history; every command returns an exit code (cli/exit.ts).
 */
import { Command, CommanderError } from 'commander';
import { DiskFullError } from '../core/archive/errors';
import { HistoryError } from '../core/history/index';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerRetention } from './commands/retention';
import { registerSearch } from './commands/search';
import { registerStats } from './commands/stats';
import { registerWatch } from './commands/watch';
import { CliError, EXIT } from './exit';
import { mapOpenError, type GlobalOptions } from './open';

const EXAMPLES = `
Examples:
  confab import ~/.purple/logs ~/irclogs         # bring old Pidgin and irssi logs in
  confab search 'invoice' --from alice --since 2024-01
  confab export --conversation '#confab' --out confab-export/
  confab verify confab-export/
  confab stats --json

The archive: --data DIR, else $CONFAB_DATA, else the app's data folder (~/.config/Confab/data, or
~/.local/share/confab where the web host keeps it); created, encrypted, when it does not exist yet.
The passphrase: --passphrase-file FILE, else $CONFAB_PASSPHRASE, else asked on the terminal.
search, export, stats and verify work while the app has the archive open; import and retention
changes need the write lock and say so when the app holds it.

Exit codes: 0 ok, 1 error, 2 bad usage or query, 3 no/wrong passphrase, 4 archive in use (write
lock), 5 verify found changes, 6 disk full (write refused, nothing lost), 7 legal hold blocked it.
Run "confab help <command>" for each command's own examples.`;

export function buildProgram(): Command {
  const program = new Command();
  const g = (): GlobalOptions => program.opts<GlobalOptions>();
  program
    .name('confab')
    .description('Confab\'s encrypted, searchable message archive from the command line')
    .version('0.1.0')
    .option('--data <dir>', 'data folder (default: $CONFAB_DATA, else the app\'s data folder)')
    .option('--passphrase-file <file>', 'read the passphrase from the first line of this file (else $CONFAB_PASSPHRASE, else a prompt)')
    .showHelpAfterError('(run with --help for examples)')
    .exitOverride()
    .addHelpText('after', EXAMPLES);
  registerSearch(program, g);
  registerImport(program, g);
  registerExport(program, g);
  registerStats(program, g);
  registerRetention(program, g);
  registerWatch(program, g);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.OK : EXIT.USAGE;
    }
    const e = mapOpenError(err, '', 'this command');
    if (e instanceof CliError) {
      process.stderr.write(`confab: ${e.message}\n`);
      return e.code;
    }
    if (err instanceof DiskFullError) {
      process.stderr.write(`confab: ${err.message}\n`);
      return EXIT.DISK_FULL;
    }
    if (err instanceof HistoryError) {
      process.stderr.write(`confab: ${err.message}\n`);
      return EXIT.ERROR;
    }
    process.stderr.write(`confab: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.ERROR;
  }
}
