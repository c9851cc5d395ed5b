// Reading what `conform --baseline` and `--accept-changes` name. A baseline is a behaviour.json or a
// results.json of an earlier conform run (its record is rebuilt from it); each is checked against its
// schema first, so a damaged or hand-edited file is refused naming the file and the field (exit 2).
import { readFileSync } from 'node:fs';
import { UsageError } from '../config/errors.ts';
import { BEHAVIOUR_RECORD_KIND, type BehaviourRecord, type RunResults } from '../results/index.ts';
import { reportMismatch, type ReportSchemaName } from '../validation/report-schemas.ts';
import { behaviourRecord } from './record.ts';

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

function validated<T>(file: string, schema: ReportSchemaName, value: unknown, what: string): T {
  const mismatch = reportMismatch(schema, value, file, what);
  if (mismatch) throw new UsageError(mismatch, 'a report is read back as written; was it edited by hand or cut short?');
  return value as T;
}

/** The behaviour record in `file`: a behaviour.json, or rebuilt from a conform results.json. */
export function readBaseline(file: string): BehaviourRecord {
  const value = readJson(file, 'baseline');
  const v = value as { kind?: unknown; tool?: unknown } | null;
  if (v?.kind === BEHAVIOUR_RECORD_KIND) return validated<BehaviourRecord>(file, 'behaviour-record', value, 'behaviour record');
  if (v?.tool === 'upload-harness conform') return behaviourRecord(validated<RunResults>(file, 'conformance-results', value, 'conformance results'));
  throw new UsageError(`${file} is neither a behaviour.json nor a conform results.json`, 'give the behaviour.json or results.json an earlier `upload-harness conform` wrote');
}

/**
 * --accept-changes FILE: `{"accept": [{"id": "<change id>", "reason": "…"}]}`. Every entry needs both; a
 * change is accepted only by its exact id (as the report prints it), so a new change is never hidden by
 * an old acceptance.
 */
export function readAcceptedChanges(file: string): Map<string, string> {
  const value = readJson(file, '--accept-changes file') as { accept?: unknown } | null;
  const hint = 'write {"accept": [{"id": "<change id from the report>", "reason": "why it is expected"}]}';
  if (!value || !Array.isArray(value.accept)) throw new UsageError(`${file} has no "accept" list`, hint);
  const out = new Map<string, string>();
  (value.accept as unknown[]).forEach((entry, i) => {
    const e = entry as { id?: unknown; reason?: unknown } | null;
    if (typeof e?.id !== 'string' || e.id.trim() === '') throw new UsageError(`${file}: accept[${i}] has no "id"`, hint);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') throw new UsageError(`${file}: accept[${i}] (${e.id}) has no "reason"`, 'every accepted change says why it is expected');
    out.set(e.id, e.reason.trim());
  });
  return out;
}
