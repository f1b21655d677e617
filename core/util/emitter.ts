/** A minimal typed listener set: adapters and engine parts use it instead of Node's EventEmitter. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  /** A throwing listener must not stop the others nor the emitter (bad UI code must not kill a connection). */
  emit(value: T, onError?: (err: unknown) => void): void {
    for (const l of [...this.set]) {
      try {
        l(value);
      } catch (err) {
        onError?.(err);
      }
    }
  }

  get size(): number {
    return this.set.size;
  }
}
