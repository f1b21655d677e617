/**
 * The archive key and the OS keychain, step by step, against the engine's contract commands:
 *
 *   after an unlock with the passphrase  → seal the raw key (safeStorage) into a key slot of the archive
 *   at start, archive locked              → open that slot's blob (safeStorage) and unlock with the key
 *
 * Only when decideKeySealing() chose safeStorage; with the passphrase mode nothing is sealed, and a
 * failing keychain (reset, profile copied to another machine) just leaves the passphrase screen.
 * The sealer is injected: Electron's safeStorage in main.ts, a stand-in keychain in the tests.
 */
import type { ConfabApi } from '../contract/client';
import type { SealingDecision } from './keySealing';

export const SEALED_SLOT = 'electron-safeStorage';

export interface Sealer {
  encrypt(plain: string): Promise<Buffer>;
  decrypt(blob: Buffer): Promise<string>;
}

export interface SlotView {
  kind: string;
  name?: string | undefined;
}

type Call = ConfabApi['call'];

export type SealOutcome = 'sealed' | 'already-sealed' | 'passphrase-mode' | 'failed';
export type UnsealOutcome = 'unlocked' | 'no-sealed-slot' | 'passphrase-mode' | 'failed';

const hasSealedSlot = (slots: readonly SlotView[]) => slots.some((s) => s.kind === 'sealed' && s.name === SEALED_SLOT);

export function createKeyFlow(deps: { decision: () => Promise<SealingDecision>; sealer: Sealer }) {
  let sealing: Promise<SealOutcome> | null = null;

  /**
   * After the archive is unlocked: seal its key once. Concurrent calls share one attempt, and the
   * slots are read fresh (an event carrying an older slot list must not add a second slot).
   */
  function sealIfNeeded(call: Call): Promise<SealOutcome> {
    if (sealing) return sealing;
    sealing = (async (): Promise<SealOutcome> => {
      const d = await deps.decision();
      if (d.mode !== 'safeStorage') return 'passphrase-mode';
      const st = await call('archive.status', {});
      if (!st.ok || st.value.state !== 'unlocked') return 'failed';
      if (hasSealedSlot(st.value.slots)) return 'already-sealed';
      const k = await call('archive.exportKey', {});
      if (!k.ok) return 'failed';
      let blob: Buffer;
      try {
        blob = await deps.sealer.encrypt(k.value.keyHex);
      } catch {
        return 'failed';
      }
      const r = await call('archive.addSealedSlot', { name: SEALED_SLOT, blobBase64: blob.toString('base64') });
      return r.ok ? 'sealed' : 'failed';
    })().finally(() => {
      sealing = null;
    });
    return sealing;
  }

  /**
   * At start with a locked archive: unlock with the sealed key, if there is one and the keychain
   * opens it. (A locked archive's status lists no slots, so the blob itself is asked for.)
   */
  async function unlockWithSealedKey(call: Call): Promise<UnsealOutcome> {
    const d = await deps.decision();
    if (d.mode !== 'safeStorage') return 'passphrase-mode';
    const b = await call('archive.sealedBlob', { name: SEALED_SLOT });
    if (!b.ok) return 'failed';
    if (!b.value) return 'no-sealed-slot';
    let keyHex: string;
    try {
      keyHex = await deps.sealer.decrypt(Buffer.from(b.value.blobBase64, 'base64'));
    } catch {
      return 'failed';
    }
    if (!/^[0-9a-f]{64}$/.test(keyHex)) return 'failed';
    const r = await call('archive.unlock', { keyHex });
    return r.ok ? 'unlocked' : 'failed';
  }

  return { sealIfNeeded, unlockWithSealedKey };
}
