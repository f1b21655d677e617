// Bundles the desktop host with esbuild into dist/electron/:
//   main.cjs     electron/main.ts       (Electron main process)
//   preload.cjs  electron/preload.ts    (sandboxed preload: only `electron` may be required at run time)
//   engine.mjs   electron/engineHost.ts (engine/main.ts + IPC shim, run in a utilityProcess)
// better-sqlite3-multiple-ciphers stays external: it is a native addon, loaded through `nativeBinding`.
// Usage: node build/bundle-electron.mjs   (also called by build/start-electron.mjs and `npm run dist`)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function bundleElectron({ minify = false } = {}) {
  const common = { absWorkingDir: root, bundle: true, sourcemap: false, minify, logLevel: 'warning', legalComments: 'none' };
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', platform: 'node', format: 'cjs', target: 'node22', external: ['electron'] }),
    build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', platform: 'browser', format: 'cjs', target: 'chrome140', external: ['electron'] }),
    build({
      ...common,
      entryPoints: ['electron/engineHost.ts'],
      outfile: 'dist/electron/engine.mjs',
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: ['electron', 'better-sqlite3-multiple-ciphers', 'bufferutil', 'utf-8-validate'],
      // CommonJS dependencies inside an ES module bundle still call require()
      banner: { js: "import { createRequire as __confabCreateRequire } from 'node:module'; const require = __confabCreateRequire(import.meta.url);" },
    }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleElectron({ minify: process.argv.includes('--minify') });
  console.log('bundled dist/electron/{main.cjs,preload.cjs,engine.mjs}');
}
