// `npm start`: the desktop app from the work tree.
//   1. bundles electron/ (main, preload, engine) with esbuild
//   2. builds the renderer with vite when dist/renderer is missing (or with --renderer)
//   3. builds the SQLite addon for Electron's ABI once (dist/electron-native/, see electron-native.mjs)
//   4. starts Electron (downloaded by the `electron` package on first use, or ELECTRON_OVERRIDE_DIST_PATH)
// Arguments after `--` go to the app, e.g. `npm start -- xmpp:alice@example.org`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleElectron } from './bundle-electron.mjs';
import { ensureElectronAddon } from './electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

await bundleElectron();
if (args.includes('--renderer') || !existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
  const r = spawnSync('npm', ['run', 'build:renderer'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const electronVersion = require('electron/package.json').version;
// requiring `electron` resolves its binary (and downloads it on a connected machine the first time)
let electronPath;
try {
  electronPath = require('electron');
} catch (err) {
  console.error(`No Electron ${electronVersion} binary: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Run this on a machine that can download Electron, or set ELECTRON_OVERRIDE_DIST_PATH (docs/electron.md).');
  process.exit(1);
}
let binding = process.env.CONFAB_NATIVE_BINDING;
if (!binding) {
  try {
    binding = await ensureElectronAddon(electronVersion);
  } catch (err) {
    console.error(`Could not build the SQLite addon for Electron ${electronVersion}: ${err instanceof Error ? err.message : String(err)}`);
    console.error('The first build needs the network (a prebuilt binary or Electron headers); see docs/electron.md, "The SQLite addon".');
    process.exit(1);
  }
}
const appArgs = args.filter((a) => a !== '--renderer');
const child = spawn(electronPath, [root, ...appArgs], { stdio: 'inherit', env: { ...process.env, CONFAB_NATIVE_BINDING: binding } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
