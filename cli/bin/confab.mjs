#!/usr/bin/env node
// The `confab` command: registers tsx so the TypeScript CLI runs as is, then hands over to cli/main.ts.
import { register } from 'tsx/esm/api';

// `confab search … | head` closes the pipe early: that is not an error
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (err) => { if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw err; });
}
register();
const { main } = await import('../main.ts');
process.exitCode = await main(process.argv);
