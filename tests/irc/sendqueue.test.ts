/** The send queue's answer window: labeled lines wait for the server's answers, never more than `window` at once. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SendQueue } from '../../protocols/irc/sendQueue';

describe('send window (labeled lines)', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('holds the next lines until the server answers, in order', () => {
    const written: string[] = [];
    const q = new SendQueue((l) => written.push(l), { burst: 10, intervalMs: 1000, window: 2 }, () => 0);
    for (let i = 0; i < 4; i++) q.push(`line ${i}`, undefined, `L${i}`);
    q.push('unlabeled');
    expect(written).toEqual(['line 0', 'line 1']);
    q.ack('unknown'); // an answer to something else frees nothing
    expect(written).toEqual(['line 0', 'line 1']);
    q.ack('L1');
    expect(written).toEqual(['line 0', 'line 1', 'line 2']);
    q.ack('L0');
    q.ack('L2');
    expect(written).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'unlabeled']);
    q.clear();
  });

  it('a server that never answers does not stop the queue: the window is released after ackTimeoutMs', () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const q = new SendQueue((l) => written.push(l), { burst: 10, intervalMs: 1000, window: 1, ackTimeoutMs: 5000 }, () => 0);
    q.push('a', undefined, 'La');
    q.push('b', undefined, 'Lb');
    expect(written).toEqual(['a']);
    vi.advanceTimersByTime(5000);
    expect(written).toEqual(['a', 'b']);
    q.clear();
  });

  it('clear() forgets lines in flight (a new connection starts with an empty window)', () => {
    const written: string[] = [];
    const q = new SendQueue((l) => written.push(l), { burst: 10, intervalMs: 1000, window: 1 }, () => 0);
    q.push('a', undefined, 'La');
    q.clear();
    q.push('b', undefined, 'Lb');
    expect(written).toEqual(['a', 'b']);
    q.clear();
  });
});
