// files.upload*: a file arrives in chunks (one frame is small), in order, is held in memory up to
// its declared size, then goes to the account's upload service (XEP-0363) and the link is sent
// through the outbox as the message body (and as XEP-0066 OOB data where the network carries it).
// Bounded: at most MAX_UPLOAD_BYTES per upload and MAX_PENDING_BYTES over all pending uploads; an
// upload idle for IDLE_MS is forgotten.
import { randomUUID } from 'node:crypto';
import { ContractError, MAX_UPLOAD_BYTES } from '../../contract/index';
import type { EngineContext } from './context';
import { messageDTO, toErrorInfo } from './dto';
import type { HandlerFamily } from './handlers';

const IDLE_MS = 5 * 60_000;
/** all uploads in progress together (several files dropped at once are fine; unbounded memory is not) */
const MAX_PENDING_BYTES = 2 * MAX_UPLOAD_BYTES;

interface Pending {
  conversationId: string;
  accountId: string;
  name: string;
  mime: string;
  size: number;
  received: number;
  chunks: Buffer[];
  timer: unknown;
}

export const fileOps: HandlerFamily = (ctx: EngineContext) => {
  const pending = new Map<string, Pending>();
  const pendingBytes = () => [...pending.values()].reduce((n, p) => n + p.size, 0);
  const forget = (id: string) => {
    const p = pending.get(id);
    if (!p) return;
    ctx.timers.clear(p.timer);
    pending.delete(id);
  };
  const touch = (id: string, p: Pending) => {
    if (p.timer) ctx.timers.clear(p.timer);
    p.timer = ctx.timers.set(() => pending.delete(id), IDLE_MS);
  };
  const get = (id: string): Pending => {
    const p = pending.get(id);
    if (!p) throw new ContractError('not-found', 'no such upload (finished, cancelled, or idle for more than 5 minutes)');
    return p;
  };

  return {
    'files.uploadBegin': ({ conversationId, name, mime, size }) => {
      const c = ctx.conv(conversationId);
      const files = ctx.adapterOf(ctx.rt(String(c.accountId))).files;
      if (!files) throw new ContractError('unsupported', 'this network cannot share files');
      if (pendingBytes() + size > MAX_PENDING_BYTES) throw new ContractError('invalid', 'too many uploads at once: wait for the others to finish');
      const uploadId = randomUUID();
      const p: Pending = { conversationId, accountId: String(c.accountId), name, mime, size, received: 0, chunks: [], timer: null };
      pending.set(uploadId, p);
      touch(uploadId, p);
      return { uploadId };
    },
    'files.uploadChunk': ({ uploadId, offset, dataBase64 }) => {
      const p = get(uploadId);
      if (offset !== p.received) throw new ContractError('invalid', `chunks must come in order: expected offset ${p.received}, got ${offset}`);
      const data = Buffer.from(dataBase64, 'base64');
      if (!data.length) throw new ContractError('invalid', 'empty or malformed chunk');
      if (p.received + data.length > p.size) {
        forget(uploadId);
        throw new ContractError('invalid', `more data than the declared size (${p.size} bytes); upload cancelled`);
      }
      p.chunks.push(data);
      p.received += data.length;
      touch(uploadId, p);
      return null;
    },
    'files.uploadFinish': async ({ uploadId }) => {
      const p = get(uploadId);
      if (p.received !== p.size) throw new ContractError('invalid', `incomplete: ${p.received} of ${p.size} bytes received`);
      const c = ctx.conv(p.conversationId);
      // offline: the upload stays (until idle), so the host can finish it after the reconnect
      const rt = ctx.onlineRt(p.accountId);
      const files = rt.adapter!.files;
      if (!files) throw new ContractError('unsupported', 'this network cannot share files');
      forget(uploadId);
      let url: string;
      try {
        ({ url } = await files.upload({ kind: c.kind, id: c.address }, { name: p.name, type: p.mime, data: Buffer.concat(p.chunks, p.size) }));
      } catch (err) {
        throw new ContractError('protocol', toErrorInfo(err).message);
      }
      const m = ctx.outbox.queue(rt, c, url, 'chat', { oobUrl: url });
      return messageDTO(m, { sending: rt.online });
    },
    'files.uploadCancel': ({ uploadId }) => {
      forget(uploadId);
      return null;
    },
  };
};
