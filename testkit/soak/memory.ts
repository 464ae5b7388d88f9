/**
 * Memory figures for the soak's "memory stays flat" claim. The JS heap is measured after a full
 * garbage collection, so the figure is what is still referenced, not what the collector has
 * not got round to yet; RSS also counts the in-process chain (EDR keeps every block in memory).
 */
import v8 from "node:v8";
import vm from "node:vm";

let collect: (() => void) | null | undefined;

/** V8's gc(), enabled at run time (npm scripts cannot pass --expose-gc), or null if refused. */
function collector(): (() => void) | null {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      collect = vm.runInNewContext("gc") as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

export interface MemoryFigures {
  readonly rssMb: number;
  readonly heapMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** RSS and live JS heap, after a full collection when one can be forced. */
export function settledMemory(): MemoryFigures {
  collector()?.();
  const usage = process.memoryUsage();
  return { rssMb: mb(usage.rss), heapMb: mb(usage.heapUsed) };
}

/** RSS without forcing a collection (cheap enough to sample every step). */
export function currentRssMb(): number {
  return mb(process.memoryUsage.rss());
}
