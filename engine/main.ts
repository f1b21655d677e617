// The engine process: composition root. Wires core/engine with the built-in protocols and speaks
// the contract over Node IPC (when started by engine/client.ts) or NDJSON on stdin/stdout.
// Usage: node --import tsx engine/main.ts --data DIR   (or CONFAB_DATA=DIR)
import { createInterface } from 'node:readline';
import { createDispatcher, createEventBatcher, RequestFrameSchema, type Frame } from '../contract/index';
import { Engine } from '../core/engine/index';
import { consoleLogger } from '../core/util/logger';
import { builtinProtocols } from '../protocols/registry';

const VERSION = '0.1.0';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataDir = argValue('--data') ?? process.env.CONFAB_DATA;
if (!dataDir) {
  process.stderr.write('confab engine: no data folder (--data DIR or CONFAB_DATA)\n');
  process.exit(2);
}

const log = consoleLogger('engine', (process.env.CONFAB_LOG as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'warn');
const viaIpc = typeof process.send === 'function';
const out = (f: Frame) => {
  if (viaIpc) {
    if (process.connected) process.send!(f);
  } else {
    process.stdout.write(JSON.stringify(f) + '\n');
  }
};

const batcher = createEventBatcher((events) => out({ t: 'evt', events }), { intervalMs: Number(process.env.CONFAB_EVENT_BATCH_MS ?? 50) });
const kdfN = process.env.CONFAB_TEST_KDF_N ? Number(process.env.CONFAB_TEST_KDF_N) : undefined;
const engine = new Engine({
  dataDir,
  registry: builtinProtocols,
  log,
  emit: (e) => batcher.push(e),
  version: VERSION,
  ...(kdfN ? { kdf: { N: kdfN } } : {}),
  ...(process.env.CONFAB_NATIVE_BINDING ? { nativeBinding: process.env.CONFAB_NATIVE_BINDING } : {}),
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  try {
    await engine.shutdown();
  } catch (err) {
    log.error('shutdown failed', { err: String(err) });
  }
  batcher.close();
  // let the IPC channel drain the last frames
  setTimeout(() => process.exit(code), 50);
}

const dispatch = createDispatcher(
  {
    ...engine.handlers,
    'engine.shutdown': () => {
      setImmediate(() => void stop(0));
      return null;
    },
  },
  { onError: (cmd, err) => log.error('command failed', { cmd, err: err instanceof Error ? err.message : String(err) }) },
);

async function onFrame(raw: unknown) {
  const f = RequestFrameSchema.safeParse(raw);
  if (!f.success) return;
  // events emitted while handling a command travel before its reply
  const reply = await dispatch(f.data.cmd, f.data.input);
  batcher.flush();
  out({ t: 'res', id: f.data.id, reply });
}

if (viaIpc) {
  process.on('message', (m) => void onFrame(m));
  process.on('disconnect', () => void stop(0));
} else {
  createInterface({ input: process.stdin }).on('line', (line) => {
    try {
      void onFrame(JSON.parse(line));
    } catch {
      // not JSON: ignored
    }
  }).on('close', () => void stop(0));
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('uncaughtException', (err) => {
  log.error('uncaught exception', { err: err.message, stack: err.stack });
});
process.on('unhandledRejection', (err) => {
  log.error('unhandled rejection', { err: err instanceof Error ? err.message : String(err) });
});

out({ t: 'hello', pid: process.pid, version: VERSION });
