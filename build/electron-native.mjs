// The SQLite addon for Electron's ABI. Tests and the web/CLI hosts use the Node build in
// node_modules; the Electron host needs one compiled against Electron's headers. This builds a copy
// under dist/electron-native/<electron version>/ with @electron/rebuild (a prebuilt binary when the
// package publishes one for that Electron version, else node-gyp with Electron's headers: both need
// a network connection the first time) and returns the path the host passes as `nativeBinding`.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
export const ADDON = 'better-sqlite3-multiple-ciphers';

export function electronAddonPath(electronVersion) {
  return join(root, 'dist', 'electron-native', electronVersion, 'node_modules', ADDON, 'build', 'Release', 'better_sqlite3.node');
}

export async function ensureElectronAddon(electronVersion, { force = false } = {}) {
  const target = electronAddonPath(electronVersion);
  if (existsSync(target) && !force) return target;
  const buildPath = join(root, 'dist', 'electron-native', electronVersion);
  const pkgDir = dirname(require.resolve(`${ADDON}/package.json`));
  const dest = join(buildPath, 'node_modules', ADDON);
  rmSync(buildPath, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  // the sources without the Node build
  cpSync(pkgDir, dest, { recursive: true, filter: (src) => !src.startsWith(join(pkgDir, 'build')) });
  const version = require(`${ADDON}/package.json`).version;
  writeFileSync(join(buildPath, 'package.json'), JSON.stringify({ name: 'confab-electron-native', private: true, dependencies: { [ADDON]: version } }, null, 2));
  const { rebuild } = await import('@electron/rebuild');
  console.log(`building ${ADDON} ${version} for Electron ${electronVersion} …`);
  await rebuild({ buildPath, electronVersion, onlyModules: [ADDON], force: true, mode: 'sequential' });
  if (!existsSync(target)) throw new Error(`@electron/rebuild finished but ${target} is missing`);
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const v = process.argv[2] ?? require('electron/package.json').version;
  console.log(await ensureElectronAddon(v, { force: process.argv.includes('--force') }));
}
