import type { ProtocolDescriptor } from './types';

/** The protocols the engine can create accounts for. Built from protocols/registry.ts by a composition root. */
export class ProtocolRegistry {
  private readonly byId = new Map<string, ProtocolDescriptor>();

  constructor(descriptors: readonly ProtocolDescriptor[]) {
    for (const d of descriptors) {
      if (this.byId.has(d.id)) throw new Error(`protocol "${d.id}" registered twice`);
      this.byId.set(d.id, d);
    }
  }

  get(id: string): ProtocolDescriptor | undefined {
    return this.byId.get(id);
  }

  list(): ProtocolDescriptor[] {
    return [...this.byId.values()];
  }
}
