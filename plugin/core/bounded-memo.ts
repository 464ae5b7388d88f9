/**
 * A memo of pure results with a bound on its size, for values that are costly to compute and
 * asked for again and again in one process (signature verdicts, hashes of the same report):
 * a Map that forgets its oldest entries beyond `capacity` (insertion order).
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V): V {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, value);
    return value;
  }
  getOrCompute(key: string, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return hit as V;
    return this.set(key, compute());
  }
}
