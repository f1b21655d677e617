import type { Command } from 'commander';
import { LegalHoldError } from '../../core/archive/errors';
import { applyRetention, auditLog, getPolicy, setAccountRetention, setLegalHold } from '../../core/archive/retention';
import type { HistoryStore } from '../../core/history/index';
import { CliError, EXIT } from '../exit';
import { openStore, type GlobalOptions } from '../open';

function accountId(store: HistoryStore, spec: string): number {
  const s = spec.toLowerCase();
  const all = store.listAccounts();
  const hits = all.filter((a) => String(a.id) === spec || a.label.toLowerCase() === s || `${a.protocol}:${a.label}`.toLowerCase() === s);
  if (hits.length === 1) return hits[0]!.id;
  const list = all.map((a) => `[${a.id}] ${a.label} (${a.protocol})`).join(', ') || 'none';
  throw new CliError(hits.length ? `"${spec}" matches several accounts; use the id: ${list}` : `no account "${spec}"; accounts: ${list}`, EXIT.USAGE);
}

async function withStore<T>(g: GlobalOptions, mode: 'read' | 'write', why: string, fn: (s: HistoryStore) => T): Promise<T> {
  const store = await openStore(g, mode, why);
  try { return fn(store); } finally { store.close(); }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function registerRetention(program: Command, g: () => GlobalOptions): void {
  const r = program
    .command('retention')
    .description('keep history forever (default) or N days per account; legal hold; audit log')
    .addHelpText('after', `
Examples:
  confab retention show
  confab retention set work 365          # delete messages of account "work" older than a year
  confab retention set 3 forever         # account id 3: keep everything (the default)
  confab retention hold on --reason "case 2024-17"   # blocks every deletion
  confab retention apply --dry-run       # what would be deleted now
  confab retention apply
  confab retention audit

Changes and apply need the archive's write lock (close the app first); show and audit do not.
The app applies the policy itself when it opens the archive and every hour (nothing while a hold is on);
its settings offer the same policy, hold and audit log. Deleted messages are gone for good (rows and
search index, freed space zeroed); every deletion and blocked attempt is in the audit log.`);

  r.command('show').description('the policy per account and the legal hold').option('--json', 'JSON').action(async (f: { json?: boolean }) => {
    await withStore(g(), 'read', 'retention show', (store) => {
      const p = getPolicy(store);
      if (f.json) { process.stdout.write(JSON.stringify(p, null, 2) + '\n'); return; }
      process.stdout.write(`legal hold: ${p.hold.on ? `ON since ${day(p.hold.since ?? 0)}${p.hold.reason ? ` (${p.hold.reason})` : ''} — nothing is deleted` : 'off'}\n`);
      for (const a of store.listAccounts()) {
        const d = p.accounts[String(a.id)];
        process.stdout.write(`  [${a.id}] ${a.label} (${a.protocol}): ${d ? `delete after ${d} days` : 'keep forever'}\n`);
      }
    });
  });

  r.command('set').description('set an account\'s retention').argument('<account>', 'label or id').argument('<days>', 'days to keep, or "forever"')
    .action(async (spec: string, daysArg: string) => {
      const days = daysArg === 'forever' ? null : Number(daysArg);
      if (days !== null && (!Number.isInteger(days) || days < 1)) throw new CliError('days is a whole number ≥ 1, or "forever"', EXIT.USAGE);
      await withStore(g(), 'write', 'changing retention', (store) => {
        const id = accountId(store, spec);
        setAccountRetention(store, id, days);
        process.stdout.write(`account ${id}: ${days === null ? 'keep forever' : `messages older than ${days} days are deleted by the app (at start and hourly) or "confab retention apply"`} (recorded in the audit log)\n`);
      });
    });

  r.command('hold').description('turn the legal hold on or off').argument('<on|off>').option('--reason <text>', 'why (kept in the audit log)')
    .action(async (state: string, f: { reason?: string }) => {
      if (state !== 'on' && state !== 'off') throw new CliError('hold takes "on" or "off"', EXIT.USAGE);
      await withStore(g(), 'write', 'changing the legal hold', (store) => {
        setLegalHold(store, state === 'on', f.reason ?? null);
        process.stdout.write(state === 'on' ? 'legal hold ON: no message will be deleted until it is turned off\n' : 'legal hold off\n');
      });
    });

  r.command('apply').description('delete what the policy says is due now').option('--dry-run', 'count only').option('--json', 'JSON')
    .action(async (f: { dryRun?: boolean; json?: boolean }) => {
      await withStore(g(), f.dryRun ? 'read' : 'write', 'applying retention', (store) => {
        let run;
        try {
          run = applyRetention(store, { dryRun: !!f.dryRun });
        } catch (err) {
          if (err instanceof LegalHoldError) throw new CliError(`${err.message}; the blocked attempt was recorded in the audit log`, EXIT.HOLD);
          throw err;
        }
        if (f.json) { process.stdout.write(JSON.stringify(run, null, 2) + '\n'); return; }
        if (!run.accounts.length) process.stdout.write('no account has a retention period: nothing to delete\n');
        for (const a of run.accounts) {
          process.stdout.write(`  account ${a.accountId}: ${a.due} messages older than ${day(a.cutoff)} (${a.days} days)${f.dryRun ? ' would be deleted' : run.blocked ? ' kept (legal hold)' : `, ${a.deleted} deleted`}\n`);
        }
        if (run.blocked) process.stdout.write('legal hold is on: nothing would be deleted\n');
      });
    });

  r.command('audit').description('the audit log of retention changes and deletions').option('--json', 'JSON').action(async (f: { json?: boolean }) => {
    await withStore(g(), 'read', 'retention audit', (store) => {
      const log = auditLog(store);
      if (f.json) { process.stdout.write(JSON.stringify(log, null, 2) + '\n'); return; }
      if (!log.length) process.stdout.write('audit log empty\n');
      for (const e of log) {
        process.stdout.write(`${new Date(e.at).toISOString()} ${e.action}${e.accountId !== undefined ? ` account ${e.accountId}` : ''}` +
          `${e.days !== undefined ? ` days ${e.days ?? 'forever'}` : ''}${e.count !== undefined ? ` count ${e.count}` : ''}` +
          `${e.method ? ` (${e.method})` : ''}${e.reason ? ` reason: ${e.reason}` : ''}${e.by ? ` by ${e.by}` : ''}\n`);
      }
    });
  });
}
