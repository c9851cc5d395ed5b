// The harness keeps one kind of histogram (32-bit counts, src/results/histogram.ts). Results files hold
// encodings, and the packed kind hdr-histogram-js also offers was used before to decode and merge them:
// over seeded random histograms, decoding and merging with either kind gives the same counts,
// percentiles, extremes, mean and encoding, so results written before the change read the same.
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { encodeHistogram, mergeHistograms, newHistogram } from '../../src/results/index.ts';

/** Park–Miller: the same "random" histograms every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

function packedMerge(encoded: readonly string[]): hdr.Histogram {
  const h = hdr.build({ bitBucketSize: 'packed', numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, autoResize: true });
  for (const e of encoded) h.add(hdr.decodeFromCompressedBase64(e, 'packed', false));
  return h;
}

const summary = (h: hdr.Histogram) => ({ encoded: encodeHistogram(h), total: h.totalCount, min: h.minNonZeroValue, max: h.maxValue, mean: h.mean, percentiles: [1, 50, 90, 95, 99, 99.9, 100].map((p) => h.getValueAtPercentile(p)) });

describe('histogram kinds', () => {
  it('decoding and merging 12 random sets of histograms: 32-bit counts and packed agree on everything', () => {
    const random = seeded(23);
    for (let trial = 0; trial < 12; trial++) {
      const encoded: string[] = [];
      const parts = 1 + Math.floor(random() * 5);
      for (let j = 0; j < parts; j++) {
        const h = newHistogram();
        const top = 10 ** (1 + Math.floor(random() * 7)); // 10 µs .. 10 s
        const samples = Math.floor(random() * 400);
        for (let i = 0; i < samples; i++) h.recordValue(1 + Math.round(random() * top));
        encoded.push(encodeHistogram(h));
      }
      expect(summary(mergeHistograms(encoded)), `trial ${trial}`).toEqual(summary(packedMerge(encoded)));
    }
  });
});
