/**
 * Where the desktop host finds its parts, in development (`npm start`, from the work tree) and
 * packaged (electron-builder: app.asar + app.asar.unpacked). Pure, so both layouts are tested.
 *
 *   dist/electron/main.cjs      this process (esbuild bundle of electron/main.ts)
 *   dist/electron/preload.cjs   the sandboxed preload (esbuild bundle of electron/preload.ts)
 *   dist/electron/engine.cjs    the engine, run in an Electron utilityProcess (electron/engineHost.ts)
 *   dist/renderer/              the React bundle (vite), served as app://confab/
 *
 * The SQLite addon must match Electron's ABI, not Node's: packaged, electron-builder rebuilt it in
 * place (asarUnpack); in development build/start-electron.mjs builds a copy under
 * dist/electron-native/<electron version>/ so the Node build in node_modules stays for the tests.
 */

export interface PathInputs {
  isPackaged: boolean;
  /** app.getAppPath(): the work tree in development, …/resources/app.asar when packaged */
  appPath: string;
  /** process.resourcesPath */
  resourcesPath: string;
  electronVersion: string;
  /** CONFAB_NATIVE_BINDING: a custom build (development only; ignored when packaged) */
  envBinding?: string | undefined;
  /** CONFAB_RENDERER_DIR: another renderer build (development and tests only; ignored when packaged) */
  envRenderer?: string | undefined;
  join: (...p: string[]) => string;
}

export interface HostPaths {
  preload: string;
  engineEntry: string;
  rendererRoot: string;
  nativeBinding: string;
  icon: string;
}

export const ADDON_PACKAGE = 'better-sqlite3-multiple-ciphers';
export const ADDON_FILE = ['build', 'Release', 'better_sqlite3.node'] as const;

export function hostPaths(i: PathInputs): HostPaths {
  const dist = i.join(i.appPath, 'dist');
  // environment overrides are for development only: a packaged app loads no code named by the
  // environment (the same reason its NODE_OPTIONS fuse is off)
  const nativeBinding =
    !i.isPackaged && i.envBinding && i.envBinding.length > 0
      ? i.envBinding
      : i.isPackaged
        ? i.join(i.resourcesPath, 'app.asar.unpacked', 'node_modules', ADDON_PACKAGE, ...ADDON_FILE)
        : i.join(i.appPath, 'dist', 'electron-native', i.electronVersion, 'node_modules', ADDON_PACKAGE, ...ADDON_FILE);
  return {
    preload: i.join(dist, 'electron', 'preload.cjs'),
    engineEntry: i.join(dist, 'electron', 'engine.cjs'),
    rendererRoot: !i.isPackaged && i.envRenderer ? i.envRenderer : i.join(dist, 'renderer'),
    nativeBinding,
    icon: i.isPackaged ? i.join(i.resourcesPath, 'icons', 'confab.png') : i.join(i.appPath, 'build', 'icons', 'confab.png'),
  };
}
