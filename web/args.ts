/** Command line and environment of `npm run web`. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface WebOptions {
  dataDir: string;
  /** 0: pick a free port */
  port: number;
  /** unlocks (or creates) the archive without the UI; never printed */
  passphrase?: string;
  /** folder with the built renderer (index.html) */
  staticDir: string;
}

export const USAGE = `usage: npm run web -- [--data DIR] [--port N] [--passphrase-file FILE]
  --data DIR              data folder (default: $CONFAB_DATA or ~/.local/share/confab)
  --port N                port on 127.0.0.1 (default: a free port)
  --passphrase-file FILE  unlock (or create) the archive with the first line of FILE
environment: CONFAB_DATA, CONFAB_PASSPHRASE (the passphrase itself), CONFAB_PORT`;

export function parseWebArgs(argv: string[], env: NodeJS.ProcessEnv, defaultStatic: string): WebOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      'passphrase-file': { type: 'string' },
      static: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const portText = values.port ?? env.CONFAB_PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${portText}`);
  let passphrase: string | undefined;
  if (values['passphrase-file']) {
    passphrase = readFileSync(values['passphrase-file'], 'utf8').split(/\r?\n/)[0] ?? '';
    if (!passphrase) throw new Error('--passphrase-file: the file is empty');
  } else if (env.CONFAB_PASSPHRASE) {
    passphrase = env.CONFAB_PASSPHRASE;
  }
  const dataDir = values.data ?? env.CONFAB_DATA ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'confab');
  return { dataDir, port, ...(passphrase !== undefined ? { passphrase } : {}), staticDir: values.static ?? defaultStatic };
}
