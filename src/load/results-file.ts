// Reading a results.json written earlier (the inputs of `report merge`, `load --baseline`): each file is
// checked against the results schema and each of its histograms decoded before a number of it is used;
// a file that fails is refused (exit 2) naming the file and the JSON path of what is wrong, so a damaged
// or hand-edited file never turns into a report ("count": "lots" once merged into "0lots15").
import { readFileSync } from 'node:fs';
import { UsageError } from '../config/errors.ts';
import { decodeHistogram, isLoadResults, LOAD_RESULTS_VERSION, type LoadResults } from '../results/index.ts';
import { reportMismatch } from '../validation/report-schemas.ts';

/** The schema before run ids and the rate record: readable as a baseline (its latencies and rates), not mergeable. */
const OLDER_VERSION = 1;

/** `/stages/upload/histogram` for every encoded histogram in `value`, with the encoding. */
function* histograms(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}/${key}`;
    if (key === 'histogram' && typeof v === 'string') yield [at, v];
    else yield* histograms(v, at);
  }
}

/**
 * The results in `file`, validated. `olderVersions`: a schema-1 file is accepted as it is (a baseline
 * reads only what both versions have); otherwise it is refused with what to do.
 */
export function readResultsFile(file: string, opts: { olderVersions?: boolean } = {}): LoadResults {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read results file ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isLoadResults(value)) throw new UsageError(`${file} is not an upload-harness load results.json (no "kind": "upload-harness/load-results")`);
  if (value.schemaVersion === OLDER_VERSION && opts.olderVersions) return value;
  if (value.schemaVersion === OLDER_VERSION) {
    throw new UsageError(`${file} has results schema ${OLDER_VERSION}, written by an older upload-harness: it has no run id and no rate record, which a merge needs`, 're-run the load with this version, or merge such files with the version that wrote them');
  }
  if (value.schemaVersion !== LOAD_RESULTS_VERSION) throw new UsageError(`${file} has results schema ${String(value.schemaVersion)}; this upload-harness reads schema ${LOAD_RESULTS_VERSION}`);
  const mismatch = reportMismatch('load-results', value, file, 'load results');
  if (mismatch) throw new UsageError(mismatch, 'a results.json is read back as written; was it edited by hand or cut short?');
  for (const [path, encoded] of histograms(value)) {
    try {
      decodeHistogram(encoded);
    } catch (err) {
      throw new UsageError(`${file}: ${path} is not a readable HdrHistogram (${(err as Error).message})`, 'a results.json is read back as written; was it edited by hand or cut short?');
    }
  }
  return value;
}
