// The encrypted archive's key: create, unlock (then the engine starts), key slots, passphrase.
import type { EngineContext } from './context';
import type { HandlerFamily } from './handlers';
import { started } from './lifecycle';

export const keyOps: HandlerFamily = (ctx: EngineContext) => {
  const emitStatus = () => ctx.emit({ type: 'archive.status', payload: ctx.archive.status() });
  return {
    'archive.status': () => ctx.archive.status(),
    'archive.create': async ({ passphrase }) => {
      ctx.archive.create(passphrase);
      emitStatus();
      await started(ctx);
      return null;
    },
    'archive.unlock': async (u) => {
      if (ctx.archive.store) return null;
      ctx.archive.unlock(u);
      emitStatus();
      await started(ctx);
      return null;
    },
    'archive.exportKey': () => ({ keyHex: ctx.archive.exportKey() }),
    'archive.addSealedSlot': ({ name, blobBase64 }) => {
      ctx.archive.addSealedSlot(name, Buffer.from(blobBase64, 'base64'));
      emitStatus();
      return null;
    },
    'archive.sealedBlob': ({ name }) => {
      const b = ctx.archive.sealedBlob(name);
      return b ? { blobBase64: b.toString('base64') } : null;
    },
    'archive.removeSlot': ({ slotId }) => {
      ctx.store.removeSlot(slotId);
      emitStatus();
      return null;
    },
    'archive.changePassphrase': ({ new: np }) => {
      // the old passphrase proves nothing more than the unlocked archive: add the new slot, then drop the other passphrase slots
      const s = ctx.store;
      const old = s.listSlots().filter((x) => x.kind === 'passphrase');
      s.addSlot({ kind: 'passphrase', passphrase: np, ...(ctx.opts.kdf ? { kdf: ctx.opts.kdf } : {}) });
      for (const o of old) s.removeSlot(o.id);
      emitStatus();
      return null;
    },
  };
};
