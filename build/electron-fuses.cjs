// electron-builder afterPack hook: flips Electron's fuses in the packaged binary (before signing).
// The Confab engine runs in a utilityProcess, so nothing needs ELECTRON_RUN_AS_NODE, NODE_OPTIONS
// or --inspect in a release build; the app loads only from its (integrity-checked) app.asar.
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads this hook as CommonJS */
'use strict';
const path = require('node:path');

/** The fuse settings of every packaged Confab build (asserted by tests/electron/packaging.test.ts). */
const CONFAB_FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};

/** Path of the packaged Electron executable inside electron-builder's appOutDir. */
function packagedBinary(platform, appOutDir, productFilename, executableName) {
  if (platform === 'darwin' || platform === 'mas') return path.join(appOutDir, `${productFilename}.app`);
  if (platform === 'win32') return path.join(appOutDir, `${productFilename}.exe`);
  return path.join(appOutDir, executableName);
}

async function afterPack(context) {
  const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');
  const platform = context.electronPlatformName;
  const info = context.packager.appInfo;
  const binary = packagedBinary(platform, context.appOutDir, info.productFilename, context.packager.executableName ?? info.productFilename.toLowerCase());
  const fuses = { version: FuseVersion.V1, resetAdHocDarwinSignature: platform === 'darwin' && context.arch === 3 /* arm64 */ };
  for (const [name, value] of Object.entries(CONFAB_FUSES)) fuses[FuseV1Options[name]] = value;
  await flipFuses(binary, fuses);
  console.log(`  • fuses set on ${path.basename(binary)}`);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.CONFAB_FUSES = CONFAB_FUSES;
module.exports.packagedBinary = packagedBinary;
