// Reads k6's raw `--out json` NDJSON stream(s) into the LoadMeasurements, so that k6 runs yield the same
// histograms, per-second series and totals as the node engine (k6 docs: results output, JSON). Several files
// (one per execution segment / instance) feed one measurements: percentiles come from all raw points.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { LoadMeasurements } from './measurements.ts';
import type { StageName } from '../results/index.ts';

interface Point {
  type: string;
  metric: string;
  data: { time: string; value: number; tags?: Record<string, string> | null };
}

const STAGE_TRENDS: Record<string, StageName> = {
  handle_create_duration: 'handle_create',
  upload_duration: 'upload',
  attach_duration: 'attach',
  setup_duration: 'setup',
};

export interface K6StreamInfo {
  firstEpochMs: number;
  lastEpochMs: number;
  instances: Set<string>;
}

/** First pass helper: the earliest point time, so the measurements's seconds start there. */
export async function scanK6Times(files: readonly string[]): Promise<K6StreamInfo> {
  const info: K6StreamInfo = { firstEpochMs: Infinity, lastEpochMs: 0, instances: new Set() };
  for (const f of files) {
    await eachPoint(f, (p) => {
      const t = Date.parse(p.data.time);
      if (t < info.firstEpochMs) info.firstEpochMs = t;
      if (t > info.lastEpochMs) info.lastEpochMs = t;
      const id = p.data.tags?.instance_id;
      if (id !== undefined) info.instances.add(id);
    });
  }
  return info;
}

export async function readK6Points(files: readonly string[], measurements: LoadMeasurements): Promise<void> {
  for (const f of files) {
    await eachPoint(f, (p) => {
      const at = Date.parse(p.data.time);
      const tags = p.data.tags ?? {};
      const stageTrend = STAGE_TRENDS[p.metric];
      if (stageTrend) return measurements.request(stageTrend, tags.ok !== 'false', p.data.value, 0, 0, at, tags.ok === 'false' ? 'check failed' : undefined);
      switch (p.metric) {
        case 'stage_bytes_sent':
          return measurements.bytes((tags.stage as StageName) ?? 'handle_create', p.data.value, 0, at);
        case 'stage_bytes_received':
          return measurements.bytes((tags.stage as StageName) ?? 'handle_create', 0, p.data.value, at);
        case 'checks':
          return measurements.check(p.data.value !== 0);
        case 'flow_success':
          return measurements.iterationDone(p.data.value !== 0, undefined, at);
        case 'iteration_duration':
          // Emitted when the iteration ends: it started `value` ms before (k6 gives no intended start).
          measurements.iterationStarted(at - p.data.value);
          return measurements.iterationDuration(p.data.value);
        case 'dropped_iterations':
          return measurements.droppedIteration(at, 'maxVUs', p.data.value);
        case 'vus':
          return measurements.observeVUs(p.data.value, tags.instance_id ?? f);
      }
    });
  }
}

async function eachPoint(file: string, onPoint: (p: Point) => void): Promise<void> {
  const input = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"type":"Point"') && !line.includes('"Point"')) continue;
    let p: Point;
    try {
      p = JSON.parse(line) as Point;
    } catch {
      continue; // a torn last line of an aborted run
    }
    if (p.type === 'Point' && p.data && typeof p.data.value === 'number') onPoint(p);
  }
}
