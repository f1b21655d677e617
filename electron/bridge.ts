/**
 * The main-process end of the renderer IPC: one channel in (request frames), one channel out
 * (response and event frames). Every message is checked, in this order, before the engine sees it:
 * the sender (our window, its main frame, our origin), the frame's size and shape, the command
 * (known, not host-only) and its input schema. Replies are data ({ok:false,error}), never thrown.
 */
import type { Reply } from '../contract/reply';
import { fail } from '../contract/reply';
import { MAX_FRAME_BYTES, RequestFrameSchema, type Frame } from '../contract/wire';
import { validateRequest } from '../contract/server';
import { isTrustedSender, type IpcSenderInfo } from './security';


export interface BridgeDeps {
  trustedWebContentsIds: ReadonlySet<number>;
  /** forwards a validated command to the engine (engine client call) */
  call: (cmd: string, input: unknown) => Promise<Reply<unknown>>;
  /** reports refused messages (ids and reasons only, never contents) */
  onRefused?: (reason: string, sender: IpcSenderInfo) => void;
}

export type BridgeOutcome = { kind: 'dropped'; reason: string } | { kind: 'reply'; frame: Frame };

export function createBridge(deps: BridgeDeps) {
  return async function handle(sender: IpcSenderInfo, raw: unknown): Promise<BridgeOutcome> {
    if (!isTrustedSender(sender, deps.trustedWebContentsIds)) {
      deps.onRefused?.('untrusted sender', sender);
      // no answer at all: an untrusted frame learns nothing
      return { kind: 'dropped', reason: 'untrusted sender' };
    }
    let size: number;
    try {
      size = JSON.stringify(raw ?? null).length;
    } catch {
      return { kind: 'dropped', reason: 'not serialisable' };
    }
    if (size > MAX_FRAME_BYTES) {
      deps.onRefused?.('frame too large', sender);
      const id = (raw as { id?: unknown } | null)?.id;
      return typeof id === 'number' && Number.isInteger(id) && id >= 0
        ? { kind: 'reply', frame: { t: 'res', id, reply: fail('invalid', 'request too large') } }
        : { kind: 'dropped', reason: 'frame too large' };
    }
    const f = RequestFrameSchema.safeParse(raw);
    if (!f.success) {
      deps.onRefused?.('malformed frame', sender);
      return { kind: 'dropped', reason: 'malformed frame' };
    }
    const v = validateRequest(f.data.cmd, f.data.input, { fromRenderer: true });
    if (!v.ok) return { kind: 'reply', frame: { t: 'res', id: f.data.id, reply: v.reply } };
    let reply: Reply<unknown>;
    try {
      reply = await deps.call(v.cmd, v.input);
    } catch (err) {
      reply = fail('internal', err instanceof Error ? err.message : String(err));
    }
    return { kind: 'reply', frame: { t: 'res', id: f.data.id, reply } };
  };
}
