/**
 * Long archive work is written as generators that yield between batches: the CLI runs them to the
 * end at once (`drain`), the engine gives its event loop a turn between steps (`drainAsync`, jobs.ts).
 */
export function drain<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** runs to the end with one event-loop turn between steps */
export async function drainAsync<T>(steps: Generator<unknown, T>, turn: () => Promise<void> = () => new Promise((r) => setImmediate(r))): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await turn();
  }
}
