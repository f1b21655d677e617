/**
 * `npm run web`: Confab in a browser. Starts the engine process on the data folder, unlocks (or
 * creates) the archive when a passphrase was given, serves the renderer on 127.0.0.1 and prints the
 * URL with its token. Usage: see USAGE in args.ts.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startEngineProcess } from '../engine/client';
import { parseWebArgs, USAGE } from './args';
import { createBridgeHandler } from './bridge';
import { startWebServer } from './server';
import { unlockUnattended } from './unlock';

const defaultStatic = fileURLToPath(new URL('../dist/renderer', import.meta.url));

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseWebArgs(process.argv.slice(2), process.env, defaultStatic);
  } catch (e) {
    console.error(`confab web: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
  if (!existsSync(join(opts.staticDir, 'index.html'))) {
    console.error(`confab web: no renderer bundle in ${opts.staticDir}; run \`npm run build:renderer\` first`);
    process.exit(2);
  }
  const engine = startEngineProcess({ dataDir: opts.dataDir });
  await engine.ready;
  if (opts.passphrase !== undefined) {
    const r = await unlockUnattended(engine, opts.passphrase);
    if (!r.ok) {
      console.error(`confab web: ${r.message}`);
      await engine.close();
      process.exit(1);
    }
  }
  const server = await startWebServer({ port: opts.port, staticDir: opts.staticDir, handler: createBridgeHandler(engine) });
  const offEvents = engine.onEvent((events) => server.broadcast(events));

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    offEvents();
    await server.close();
    await engine.close();
    process.exit(code);
  };
  engine.onExit((e) => {
    if (stopping) return;
    console.error(`confab web: the engine process stopped (${e.signal ?? e.code}); exiting`);
    void stop(1);
  });
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // the only line on stdout: the address to open (the token is in the fragment, never sent to a server)
  console.log(`Confab is ready: ${server.url}`);
}

void main();
