/** Unattended start: unlock the archive with the given passphrase, or create it on first run. */
import type { ConfabApi } from '../contract/index';

export async function unlockUnattended(engine: Pick<ConfabApi, 'call'>, passphrase: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const status = await engine.call('archive.status', {});
  if (!status.ok) return { ok: false, message: status.error.message };
  if (status.value.state === 'unlocked') return { ok: true };
  const r = status.value.state === 'none' ? await engine.call('archive.create', { passphrase }) : await engine.call('archive.unlock', { passphrase });
  if (r.ok) return { ok: true };
  return { ok: false, message: r.error.code === 'wrong-key' ? 'wrong passphrase: the archive stays locked' : r.error.message };
}
