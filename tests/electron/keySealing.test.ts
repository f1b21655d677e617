import { describe, expect, it } from 'vitest';
import { decideKeySealing } from '../../electron/keySealing';

describe('where the archive key is sealed', () => {
  it('uses the keyring on Linux when a real one is running', () => {
    for (const b of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const) {
      expect(decideKeySealing({ platform: 'linux', encryptionAvailable: true, linuxBackend: b })).toEqual({ mode: 'safeStorage', backend: b });
    }
  });
  it('refuses basic_text (plaintext in effect) and says why', () => {
    const d = decideKeySealing({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'basic_text' });
    expect(d).toMatchObject({ mode: 'passphrase', reason: 'basic_text' });
    expect(d.mode === 'passphrase' && d.message).toMatch(/plain text/);
  });
  it('does not guess while the backend is unknown', () => {
    expect(decideKeySealing({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'unknown' })).toMatchObject({ mode: 'passphrase', reason: 'backend-unknown' });
    expect(decideKeySealing({ platform: 'linux', encryptionAvailable: true })).toMatchObject({ mode: 'passphrase', reason: 'backend-unknown' });
  });
  it('falls back when encryption is unavailable anywhere', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(decideKeySealing({ platform, encryptionAvailable: false, linuxBackend: 'gnome_libsecret' })).toMatchObject({ mode: 'passphrase', reason: 'unavailable' });
    }
  });
  it('uses Keychain and DPAPI on macOS and Windows', () => {
    expect(decideKeySealing({ platform: 'darwin', encryptionAvailable: true })).toEqual({ mode: 'safeStorage', backend: 'keychain' });
    expect(decideKeySealing({ platform: 'win32', encryptionAvailable: true, linuxBackend: 'basic_text' })).toEqual({ mode: 'safeStorage', backend: 'dpapi' });
  });
  it('can be forced to the passphrase', () => {
    expect(decideKeySealing({ platform: 'darwin', encryptionAvailable: true, forcePassphrase: true })).toMatchObject({ mode: 'passphrase', reason: 'forced' });
  });
});
