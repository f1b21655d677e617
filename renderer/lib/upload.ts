/**
 * One file → the engine in chunks (files.uploadBegin → uploadChunk… → uploadFinish). Chunks because
 * one contract frame is at most MAX_FRAME_BYTES; the engine then uploads to the account's server
 * (XEP-0363) and sends the link. Pure apart from the `call` it is given, so it runs in Node tests too.
 */
import { MAX_UPLOAD_BYTES, UPLOAD_CHUNK_BASE64, type CommandInput, type CommandName, type CommandOutput, type MessageDTO } from '../../contract';

/** raw bytes per chunk: base64 makes 4 characters of every 3 bytes */
export const CHUNK_BYTES = Math.floor(UPLOAD_CHUNK_BASE64 / 4) * 3;

export type Call = <K extends CommandName>(cmd: K, input: CommandInput<K>) => Promise<CommandOutput<K>>;

export interface UploadHooks {
  /** bytes handed to the engine so far */
  onProgress?(sent: number): void;
  /** every chunk is with the engine; it is uploading to the server now */
  onFinishing?(): void;
  signal?: AbortSignal;
}

export class UploadCancelled extends Error {
  constructor() {
    super('Upload cancelled');
    this.name = 'UploadCancelled';
  }
}

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** why this file cannot be uploaded at all, or null */
export function refuseFile(file: { size: number }): string | null {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_UPLOAD_BYTES) return `The file is larger than ${Math.round(MAX_UPLOAD_BYTES / 1024 / 1024)} MB.`;
  return null;
}

export async function uploadInChunks(call: Call, conversationId: string, file: Blob & { name: string }, hooks: UploadHooks = {}): Promise<MessageDTO> {
  const { signal } = hooks;
  if (signal?.aborted) throw new UploadCancelled();
  const { uploadId } = await call('files.uploadBegin', { conversationId, name: file.name, mime: file.type || 'application/octet-stream', size: file.size });
  let told = false;
  const cancel = () => {
    if (told) return;
    told = true;
    void call('files.uploadCancel', { uploadId }).catch(() => {});
  };
  // a cancel tells the engine at once and stops waiting for whatever call is in flight
  const aborted = new Promise<never>((_, reject) => {
    const stop = () => {
      cancel();
      reject(new UploadCancelled());
    };
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => {});
  const step = <T>(p: Promise<T>) => Promise.race([p, aborted]);
  try {
    for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
      const bytes = new Uint8Array(await step(file.slice(offset, offset + CHUNK_BYTES).arrayBuffer()));
      await step(call('files.uploadChunk', { uploadId, offset, dataBase64: toBase64(bytes) }));
      hooks.onProgress?.(Math.min(file.size, offset + bytes.length));
    }
    hooks.onFinishing?.();
    return await step(call('files.uploadFinish', { uploadId }));
  } catch (e) {
    // a failed chunk or finish: the engine may still hold the upload; let it go
    cancel();
    throw e;
  }
}
