/**
 * Where the archive key is sealed on this desktop: in the OS keychain through Electron's safeStorage,
 * or — where that would not protect anything — behind the user's passphrase. On Linux without a
 * keyring safeStorage silently falls back to `basic_text` (a hard-coded key: plaintext in effect);
 * that backend is refused and the user is told why.
 */

export type LinuxBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

export interface SealingEnvironment {
  platform: NodeJS.Platform;
  /** await safeStorage.isAsyncEncryptionAvailable() (after app 'ready') */
  encryptionAvailable: boolean;
  /** safeStorage.getSelectedStorageBackend() — only meaningful on Linux */
  linuxBackend?: LinuxBackend;
  /** CONFAB_KEY_STORE=passphrase forces the passphrase (shared machines, tests) */
  forcePassphrase?: boolean;
}

export type PassphraseReason = 'forced' | 'unavailable' | 'basic_text' | 'backend-unknown';

export type SealingDecision =
  | { mode: 'safeStorage'; backend: string }
  | { mode: 'passphrase'; reason: PassphraseReason; message: string };

const MESSAGES: Record<PassphraseReason, string> = {
  forced: 'The passphrase is used because CONFAB_KEY_STORE=passphrase is set.',
  unavailable: 'This system offers no keychain to Confab, so your archive is protected by a passphrase.',
  basic_text:
    'No keyring (GNOME Keyring, KWallet) is running, and the fallback Electron would use stores keys in plain text — so your archive is protected by a passphrase instead.',
  'backend-unknown': 'The keychain could not be identified yet, so your archive is protected by a passphrase.',
};

export function decideKeySealing(env: SealingEnvironment): SealingDecision {
  const passphrase = (reason: PassphraseReason): SealingDecision => ({ mode: 'passphrase', reason, message: MESSAGES[reason] });
  if (env.forcePassphrase) return passphrase('forced');
  if (!env.encryptionAvailable) return passphrase('unavailable');
  if (env.platform === 'linux') {
    const b = env.linuxBackend ?? 'unknown';
    if (b === 'basic_text') return passphrase('basic_text');
    if (b === 'unknown') return passphrase('backend-unknown');
    return { mode: 'safeStorage', backend: b };
  }
  return { mode: 'safeStorage', backend: env.platform === 'darwin' ? 'keychain' : env.platform === 'win32' ? 'dpapi' : env.platform };
}
