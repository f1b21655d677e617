/**
 * Where an Electron binary is, without triggering the `electron` package's download: the folder in
 * ELECTRON_OVERRIDE_DIST_PATH, or node_modules/electron/dist after a normal (connected) install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  const exe = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, exe);
    return existsSync(p) ? { path: p } : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${p} does not exist` };
  }
  const p = join(pkg, 'dist', exe);
  return existsSync(p) ? { path: p } : { missing: `no Electron binary at ${p} (this machine cannot download it; set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ${readVersion(pkg)})` };
}

function readVersion(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '';
  }
}
