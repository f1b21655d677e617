/**
 * One connection's received text on its way to the parser (see inputSlicer.ts): bytes are decoded
 * with a streaming UTF-8 decoder (a character split over two socket reads stays whole — xmpp.js
 * decoded every read on its own), queued, and handed on in pieces by the shared scheduler. While
 * PAUSE_AT_CHARS wait the socket is paused (TCP flow control slows the server), so at most that
 * plus one socket read is held. A close is reported after the text received before it.
 */
import { StringDecoder } from 'node:string_decoder';
import { inputScheduler, pieceEnd, type InputQueue } from './inputSlicer';

/** waiting characters at which the socket is paused, and at which it is resumed */
export const PAUSE_AT_CHARS = 256 * 1024;
export const RESUME_AT_CHARS = 64 * 1024;

export interface InputSink {
  /** a piece of text for the parser */
  data(text: string): void;
  /** the socket closed and everything received before was handed on */
  close(): void;
  pause(): void;
  resume(): void;
}

export class SlicedInput implements InputQueue {
  private decoder = new StringDecoder('utf8');
  private chunks: string[] = [];
  /** position in chunks[0] */
  private offset = 0;
  private waitingChars = 0;
  private paused = false;
  private closePending = false;

  constructor(private readonly sink: InputSink) {}

  /** characters received and not yet handed on (tests, diagnostics) */
  get waiting(): number {
    return this.waitingChars;
  }

  /** a new socket (connect, STARTTLS): bytes of the previous one are not continued */
  reset(): void {
    this.decoder = new StringDecoder('utf8');
    this.paused = false;
  }

  push(d: Buffer): void {
    const text = this.decoder.write(d);
    if (!text) return;
    this.chunks.push(text);
    this.waitingChars += text.length;
    inputScheduler.wake(this);
    if (this.waitingChars >= PAUSE_AT_CHARS && !this.paused) {
      this.paused = true;
      this.sink.pause();
    }
  }

  /** the socket closed: reported now, or after the text still waiting */
  closed(): void {
    if (this.waitingChars) {
      this.closePending = true;
      inputScheduler.wake(this);
    } else this.sink.close();
  }

  /** our side dropped the connection: what was not handed on yet is discarded */
  discard(): void {
    inputScheduler.forget(this);
    this.chunks = [];
    this.offset = 0;
    this.waitingChars = 0;
    this.paused = false;
    if (this.closePending) {
      this.closePending = false;
      this.sink.close();
    }
  }

  step(): boolean {
    const chunk = this.chunks[0];
    if (chunk !== undefined) {
      const end = pieceEnd(chunk, this.offset);
      const piece = chunk.slice(this.offset, end);
      if (end >= chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      } else this.offset = end;
      this.waitingChars -= piece.length;
      this.sink.data(piece);
    }
    if (this.paused && this.waitingChars <= RESUME_AT_CHARS) {
      this.paused = false;
      this.sink.resume();
    }
    if (!this.waitingChars && this.closePending) {
      this.closePending = false;
      this.sink.close();
    }
    return this.waitingChars > 0;
  }
}
