// Latency histograms (HdrHistogram via hdr-histogram-js): microsecond resolution, 3 significant digits,
// serialised as compressed base64 so results from several processes merge exactly (percentiles are
// recomputed from the merged histogram, never averaged).
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/**
 * A histogram backed by a plain 32-bit counts array (~10–30 KiB), the one kind the harness uses:
 * recording is ~5× cheaper than into hdr's packed array, and reading it far more (decoding a per-second
 * histogram of 200 samples, reading three percentiles and encoding it again: ~12 ms packed, ~0.2 ms
 * here — `report merge` does that for every second of every part, and every load report reads 13
 * percentiles of each stage's histogram for its distribution chart). Decoded and merged histograms give the
 * same counts, percentiles and encoding either way (test/load/histogram-kinds.test.ts).
 */
export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, autoResize: true });
}

/** Records a duration in milliseconds (stored as whole microseconds, at least 1). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(ms > 0.001 ? Math.round(ms * 1000) : 1);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Histogram {
  const h = newHistogram();
  if (base64) h.add(hdr.decodeFromCompressedBase64(base64, 32, false));
  return h;
}

export function mergeHistograms(encoded: readonly string[]): Histogram {
  const h = newHistogram();
  for (const e of encoded) if (e) h.add(hdr.decodeFromCompressedBase64(e, 32, false));
  return h;
}

export interface LatencyStats {
  min: number;
  avg: number;
  med: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

const ms = (us: number) => Math.round(us) / 1000;

/**
 * A percentile, never outside the histogram's recorded range: hdr answers with the highest value of a
 * percentile's bucket (3 significant digits), which can lie above the largest value recorded into it
 * (a p99 of 148.607 ms beside a max of 148.6 ms).
 */
export function percentileMs(h: Histogram, p: number): number {
  if (h.totalCount === 0) return 0;
  return Math.min(ms(h.maxValue), Math.max(ms(h.minNonZeroValue), ms(h.getValueAtPercentile(p))));
}

/**
 * min, avg, percentiles and max of a histogram; `exact` gives the true extremes where the caller kept
 * them (a merged histogram knows only bucket bounds). Every other figure is held within [min, max].
 */
export function latencyStats(h: Histogram, exact?: { min: number; max: number }): LatencyStats {
  if (h.totalCount === 0) return { min: 0, avg: 0, med: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  const min = exact?.min ?? ms(h.minNonZeroValue);
  const max = exact?.max ?? ms(h.maxValue);
  const within = (v: number) => Math.min(max, Math.max(min, v));
  return {
    min,
    avg: within(ms(h.mean)),
    med: within(percentileMs(h, 50)),
    p90: within(percentileMs(h, 90)),
    p95: within(percentileMs(h, 95)),
    p99: within(percentileMs(h, 99)),
    max,
  };
}
