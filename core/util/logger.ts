import type { Logger } from '../protocol/types';

/** Logs never carry message bodies or secrets: callers pass ids and sizes, not text. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

export function consoleLogger(prefix: string, level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(level);
  const out = (l: string) => (msg: string, data?: Record<string, unknown>) => {
    if (order.indexOf(l) < min) return;
    process.stderr.write(`${new Date().toISOString()} ${l} [${prefix}] ${msg}${data ? ' ' + JSON.stringify(data) : ''}\n`);
  };
  return { debug: out('debug'), info: out('info'), warn: out('warn'), error: out('error') };
}
