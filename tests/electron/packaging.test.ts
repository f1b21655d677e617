// The packaging configuration as a user of the packaged app meets it: URI schemes registered,
// fuses off for Node-style entry points, the addon outside the asar where nativeBinding points.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hostPaths } from '../../electron/paths';
import { NotificationBook, notificationContent } from '../../electron/notifications';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(s: string): unknown };

type BuilderConfig = {
  appId: string;
  afterPack: string;
  asarUnpack: string[];
  protocols: Array<{ schemes: string[] }>;
  linux: { target: string[]; desktop: { entry: Record<string, string> } };
  mac: { target: string[] };
  win: { target: string[] };
  files: string[];
};

describe('electron-builder configuration', () => {
  const cfg = yaml.load(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as BuilderConfig;

  it('builds AppImage and deb, dmg, nsis', () => {
    expect(cfg.linux.target).toEqual(['AppImage', 'deb']);
    expect(cfg.mac.target).toEqual(['dmg']);
    expect(cfg.win.target).toEqual(['nsis']);
  });

  it('registers xmpp:, irc: and ircs: links, in the desktop entry too', () => {
    expect(cfg.protocols.flatMap((p) => p.schemes).sort()).toEqual(['irc', 'ircs', 'xmpp']);
    for (const mime of [cfg.linux.desktop.entry.MimeType!, /^MimeType=(.*)$/m.exec(readFileSync(join(root, 'build', 'linux', 'confab.desktop'), 'utf8'))![1]!]) {
      expect(mime.split(';').filter(Boolean).sort()).toEqual(['x-scheme-handler/irc', 'x-scheme-handler/ircs', 'x-scheme-handler/xmpp']);
    }
    expect(readFileSync(join(root, 'build', 'linux', 'confab.desktop'), 'utf8')).toMatch(/^Exec=confab %U$/m);
  });

  it('keeps the native addon outside the asar, where the host points nativeBinding', () => {
    expect(cfg.asarUnpack).toContain('node_modules/better-sqlite3-multiple-ciphers/**');
    const p = hostPaths({ isPackaged: true, appPath: '/opt/Confab/resources/app.asar', resourcesPath: '/opt/Confab/resources', electronVersion: '45.5.0', join: (...s) => s.join('/') });
    expect(p.nativeBinding).toBe('/opt/Confab/resources/app.asar.unpacked/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node');
    expect(p.engineEntry).toBe('/opt/Confab/resources/app.asar/dist/electron/engine.cjs');
    expect(p.rendererRoot).toBe('/opt/Confab/resources/app.asar/dist/renderer');
    const dev = hostPaths({ isPackaged: false, appPath: '/src/confab', resourcesPath: '/x', electronVersion: '45.5.0', join: (...s) => s.join('/') });
    expect(dev.nativeBinding).toBe('/src/confab/dist/electron-native/45.5.0/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node');
    expect(dev.preload).toBe('/src/confab/dist/electron/preload.cjs');
    const custom = hostPaths({ isPackaged: false, appPath: '/a', resourcesPath: '/r', electronVersion: '45.5.0', envBinding: '/custom/addon.node', join: (...s) => s.join('/') });
    expect(custom.nativeBinding).toBe('/custom/addon.node');
    // a packaged app loads no native code named by the environment
    const packagedEnv = hostPaths({ isPackaged: true, appPath: '/a', resourcesPath: '/r', electronVersion: '45.5.0', envBinding: '/tmp/evil.node', join: (...s) => s.join('/') });
    expect(packagedEnv.nativeBinding).toBe('/r/app.asar.unpacked/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node');
    // a renderer override is for development only
    expect(hostPaths({ isPackaged: true, appPath: '/a', resourcesPath: '/r', electronVersion: '1', envRenderer: '/tmp/evil', join: (...s) => s.join('/') }).rendererRoot).toBe('/a/dist/renderer');
    expect(hostPaths({ isPackaged: false, appPath: '/a', resourcesPath: '/r', electronVersion: '1', envRenderer: '/tmp/r', join: (...s) => s.join('/') }).rendererRoot).toBe('/tmp/r');
  });

  it('packages only the bundles, not the sources', () => {
    expect(cfg.files).toEqual(expect.arrayContaining(['package.json', 'dist/electron/**', 'dist/renderer/**', '!dist/electron-native/**']));
    expect(cfg.files.some((f) => /^(electron|core|engine|renderer|protocols)\//.test(f))).toBe(false);
  });

  it('flips the fuses after packing: no RunAsNode, NODE_OPTIONS or --inspect; asar only, integrity-checked', () => {
    expect(cfg.afterPack).toBe('build/electron-fuses.cjs');
    const hook = require(join(root, 'build', 'electron-fuses.cjs')) as {
      CONFAB_FUSES: Record<string, boolean>;
      packagedBinary(platform: string, out: string, product: string, exe: string): string;
    };
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };
    // every fuse this @electron/fuses knows is decided
    expect(Object.keys(hook.CONFAB_FUSES).sort()).toEqual(Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k))).sort());
    expect(hook.CONFAB_FUSES).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      EnableCookieEncryption: true,
      GrantFileProtocolExtraPrivileges: false,
    });
    expect(hook.packagedBinary('linux', '/out/linux-unpacked', 'Confab', 'confab')).toBe('/out/linux-unpacked/confab');
    expect(hook.packagedBinary('darwin', '/out/mac', 'Confab', 'Confab')).toBe('/out/mac/Confab.app');
    expect(hook.packagedBinary('win32', '/out/win-unpacked', 'Confab', 'Confab')).toBe('/out/win-unpacked/Confab.exe');
  });

  it('ships icons that are real PNGs of the size their name says', () => {
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      const png = readFileSync(join(root, 'build', 'icons', `${size}x${size}.png`));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
      // decodes: IDAT inflates to height × (1 + 4 × width) bytes
      const idatLen = png.readUInt32BE(33);
      expect(inflateSync(png.subarray(41, 41 + idatLen)).length).toBe(size * (1 + 4 * size));
    }
    expect(readFileSync(join(root, 'build', 'icons', 'confab-1024.png')).readUInt32BE(16)).toBe(1024);
  });
});

describe('notifications', () => {
  const n = { conversationId: 'c1', messageId: 'm1', title: 'Alice', body: 'the secret plan', sound: true, attention: false, reason: 'direct' as const };
  it('shows only what the engine emitted, once', () => {
    const book = new NotificationBook(2);
    expect(book.take('m1')).toBeNull();
    book.remember(n);
    expect(book.take('m1')).toEqual(n);
    expect(book.take('m1')).toBeNull();
    expect(book.take({ toString: () => 'm1' })).toBeNull();
  });
  it('forgets the oldest beyond its capacity', () => {
    const book = new NotificationBook(2);
    for (const id of ['a', 'b', 'c']) book.remember({ ...n, messageId: id });
    expect(book.take('a')).toBeNull();
    expect(book.take('c')).not.toBeNull();
  });
  it('hides the message text while the screen is locked', () => {
    expect(notificationContent(n, false)).toEqual({ title: 'Alice', body: 'the secret plan', silent: false });
    expect(notificationContent({ ...n, sound: false }, true)).toEqual({ title: 'Alice', body: 'New message', silent: true });
    expect(notificationContent({ ...n, body: 'x'.repeat(1000) }, false).body).toHaveLength(300);
  });
});
