// Frames on any transport (Node IPC, stdio lines, Electron IPC, WebSocket). Plain JSON-able data.
import { z } from 'zod';
import type { AnyEvent } from './events';
import type { Reply } from './reply';

export type RequestFrame = { t: 'req'; id: number; cmd: string; input: unknown };
export type ResponseFrame = { t: 'res'; id: number; reply: Reply<unknown> };
export type EventFrame = { t: 'evt'; events: AnyEvent[] };
/** first frame of the engine process: it listens now */
export type HelloFrame = { t: 'hello'; pid: number; version: string };
export type Frame = RequestFrame | ResponseFrame | EventFrame | HelloFrame;

/** Shape check of an untrusted incoming request frame (the input itself is checked by the command's schema). */
export const RequestFrameSchema = z.object({
  t: z.literal('req'),
  id: z.number().int().nonnegative(),
  cmd: z.string().max(100),
  input: z.unknown(),
});

/** Largest frame a bridge should accept from a renderer (bytes of JSON). */
export const MAX_FRAME_BYTES = 1024 * 1024;
