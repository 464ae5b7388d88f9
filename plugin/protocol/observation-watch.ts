/**
 * Which oracles' data sources are being asked for an observation right now, and since when
 * (wall clock). The protocol never sees this; a caller waiting for a report shows it, because a
 * source that does not answer is the usual reason a wait drags on.
 */
import type { DataSource, ObservationRequest } from "../data-sources/data-source.js";

export interface PendingObservation {
  readonly oracle: number;
  readonly source: string;
  readonly epoch: number;
  readonly round: number;
  readonly pendingMs: number;
}

interface InFlight {
  readonly source: string;
  readonly epoch: number;
  readonly round: number;
  readonly sinceWallMs: number;
}

export class ObservationWatch {
  readonly #inFlight = new Map<number, InFlight>();

  /** `source` for oracle `index`, with each request recorded while in flight and passed to `onRequest`. */
  watch(index: number, source: DataSource, onRequest: (request: ObservationRequest) => void): DataSource {
    return {
      kind: source.kind,
      observe: (request) => {
        onRequest(request);
        const entry: InFlight = { source: source.kind, epoch: request.epoch, round: request.round, sinceWallMs: Date.now() };
        this.#inFlight.set(index, entry);
        const done = () => {
          if (this.#inFlight.get(index) === entry) this.#inFlight.delete(index);
        };
        let work: Promise<bigint>;
        try {
          work = source.observe(request);
        } catch (error) {
          done();
          throw error;
        }
        work.then(done, done);
        return work;
      },
    };
  }

  /** The requests in flight, by oracle, with how long each has waited at `nowWallMs`. */
  pending(nowWallMs: number): PendingObservation[] {
    return [...this.#inFlight.entries()]
      .map(([oracle, o]) => ({ oracle, source: o.source, epoch: o.epoch, round: o.round, pendingMs: nowWallMs - o.sinceWallMs }))
      .sort((a, b) => a.oracle - b.oracle);
  }
}
