// Bundles the desktop host with esbuild into dist/electron/:
//   main.cjs     electron/main.ts       (Electron main process)
//   preload.cjs  electron/preload.ts    (sandboxed preload: only `electron` may be required at run time)
//   engine.cjs   electron/engineHost.ts (engine/main.ts + IPC shim, run in a utilityProcess)
// better-sqlite3-multiple-ciphers stays external: it is a native addon, loaded through `nativeBinding`.
// Usage: node build/bundle-electron.mjs   (also called by build/start-electron.mjs and `npm run dist`)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function bundleElectron({ minify = false, outDir = 'dist/electron' } = {}) {
  const common = { absWorkingDir: root, bundle: true, sourcemap: false, minify, logLevel: 'warning', legalComments: 'none' };
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main.ts'], outfile: `${outDir}/main.cjs`, platform: 'node', format: 'cjs', target: 'node22', external: ['electron'] }),
    build({ ...common, entryPoints: ['electron/preload.ts'], outfile: `${outDir}/preload.cjs`, platform: 'browser', format: 'cjs', target: 'chrome140', external: ['electron'] }),
    // CommonJS: loads from inside app.asar in a utilityProcess without relying on ESM-in-asar support
    build({ ...common, entryPoints: ['electron/engineHost.ts'], outfile: `${outDir}/engine.cjs`, platform: 'node', format: 'cjs', target: 'node22', external: ['electron', 'better-sqlite3-multiple-ciphers', 'bufferutil', 'utf-8-validate'] }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleElectron({ minify: process.argv.includes('--minify') });
  console.log('bundled dist/electron/{main.cjs,preload.cjs,engine.cjs}');
}
