/** Where the archive is, how it is unlocked, and opening it for reading or writing. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  ArchiveLockedError, CorruptArchiveError, NewerVersionError, WrongKeyError, archiveExists, createArchive, openArchive,
  type HistoryStore,
} from '../core/history/index';
import { CliError, EXIT } from './exit';

export interface GlobalOptions {
  data?: string;
  passphraseFile?: string;
}

export interface Env {
  [k: string]: string | undefined;
}

/**
 * The app's possible data folders, in order: the desktop app (Electron userData/data; "Confab" when
 * packaged, "confab" in development), then the web host's default.
 */
export function appDataCandidates(env: Env = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const home = env.HOME ?? homedir();
  const config = platform === 'darwin' ? join(home, 'Library', 'Application Support')
    : platform === 'win32' ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
    : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return [join(config, 'Confab', 'data'), join(config, 'confab', 'data'), join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'confab')];
}

/** the data folder: --data, then CONFAB_DATA, then the first app data folder holding an archive (else the desktop app's) */
export function dataDir(g: GlobalOptions, env: Env = process.env): string {
  const explicit = g.data ?? env.CONFAB_DATA;
  if (explicit) return resolve(explicit);
  const c = appDataCandidates(env);
  return c.find((d) => existsSync(join(d, 'archive', 'keyslots.json'))) ?? c[0]!;
}

/** the archive inside the data folder (the same place the app uses) */
export function archivePath(g: GlobalOptions, env: Env = process.env): string {
  return join(dataDir(g, env), 'archive');
}

async function promptHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  let muted = false;
  const w = rl as unknown as { _writeToOutput: (s: string) => void };
  const orig = w._writeToOutput.bind(rl);
  w._writeToOutput = (s: string) => { if (!muted) orig(s); };
  try {
    return await new Promise<string>((res) => {
      rl.question(question, (answer) => { process.stderr.write('\n'); res(answer); });
      muted = true;
    });
  } finally {
    rl.close();
  }
}

/** --passphrase-file, then CONFAB_PASSPHRASE, then a prompt on a terminal */
export async function passphrase(g: GlobalOptions, creating: boolean, env: Env = process.env): Promise<string> {
  if (g.passphraseFile) {
    let text: string;
    try { text = readFileSync(g.passphraseFile, 'utf8'); } catch (err) {
      throw new CliError(`cannot read the passphrase file ${g.passphraseFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, EXIT.USAGE);
    }
    const p = text.split(/\r?\n/)[0] ?? ''; // the first line
    if (!p) throw new CliError(`the passphrase file ${g.passphraseFile} is empty`, EXIT.AUTH);
    return p;
  }
  if (env.CONFAB_PASSPHRASE) return env.CONFAB_PASSPHRASE;
  if (!process.stdin.isTTY) {
    throw new CliError('the archive needs a passphrase: give --passphrase-file FILE or set CONFAB_PASSPHRASE (no terminal to ask on)', EXIT.AUTH);
  }
  const p = await promptHidden(creating ? 'New archive — choose a passphrase: ' : 'Archive passphrase: ');
  if (!p) throw new CliError('no passphrase entered', EXIT.AUTH);
  if (creating) {
    const again = await promptHidden('Repeat the passphrase: ');
    if (again !== p) throw new CliError('the two passphrases differ; nothing was created', EXIT.AUTH);
  }
  return p;
}

export type OpenMode = 'read' | 'write';

/**
 * Opens the archive (creating it when the folder has none). 'read' takes no writer lock, so it works
 * while the app runs; 'write' needs the lock and says so clearly when the app holds it.
 */
export async function openStore(g: GlobalOptions, mode: OpenMode, why: string, env: Env = process.env): Promise<HistoryStore> {
  const dir = archivePath(g, env);
  let exists: boolean;
  try { exists = archiveExists(dir); } catch { exists = false; }
  try {
    if (!exists) {
      const pass = await passphrase(g, true, env);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const n = env.CONFAB_TEST_KDF_N ? Number(env.CONFAB_TEST_KDF_N) : undefined;
      const store = createArchive(dir, { passphrase: pass, ...(n ? { kdf: { N: n } } : {}) });
      process.stderr.write(`confab: created a new encrypted archive in ${dir}\n`);
      return store;
    }
    const pass = await passphrase(g, false, env);
    return openArchive(dir, { passphrase: pass }, { readOnly: mode === 'read' });
  } catch (err) {
    throw mapOpenError(err, dir, why);
  }
}

export function mapOpenError(err: unknown, dir: string, why: string): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof WrongKeyError) return new CliError(`cannot unlock ${dir}: ${err.message}`, EXIT.AUTH);
  if (err instanceof ArchiveLockedError) {
    return new CliError(`${why} needs the archive's write lock, but the archive is open in Confab (or another confab command). Close it there and try again; search, export and stats work meanwhile.`, EXIT.LOCKED);
  }
  if (err instanceof NewerVersionError || err instanceof CorruptArchiveError) return new CliError(err.message, EXIT.ERROR);
  return err;
}
