// The mock's fault modes: each breaks exactly ONE documented rule, so that the conformance suite and the
// load thresholds can be proven able to fail (the fault matrix, test/fault-matrix.test.ts). This registry is code; the
// table in docs/mock.md and `upload-harness mock --list-faults` are generated from / checked against it.

export type FaultLayer = 'api' | 'storage' | 'transport';

export interface FaultDefinition {
  name: string;
  layer: FaultLayer;
  /** The documented rule the fault breaks. */
  breaks: string;
  /** Where the rule comes from. */
  source: string;
  /** `true` when the fault takes a value (`random-5xx=0.1`, `latency=50`). */
  takesValue?: 'rate' | 'ms';
}

export const FAULTS = [
  { name: 'no-auth-check', layer: 'api', breaks: 'a request without Authorization is answered 401', source: 'Ashby docs: authentication' },
  { name: 'no-permission-check', layer: 'api', breaks: 'a key without candidatesWrite gets 403 missing_endpoint_permission', source: 'Ashby docs: authentication' },
  { name: 'accept-missing-field', layer: 'api', breaks: 'all four handle request fields are required', source: 'Ashby OpenAPI: file.createFileUploadHandle' },
  { name: 'accept-bad-context', layer: 'api', breaks: 'fileUploadContext must be one of the three documented values', source: 'Ashby docs: file.createFileUploadHandle' },
  { name: 'no-expiry-check', layer: 'storage', breaks: 'an upload after the policy expiration is rejected (403 AccessDenied, Policy expired.)', source: 'S3 POST policy: expiration' },
  { name: 'long-expiry', layer: 'api', breaks: 'the presigned URL expires after 10 minutes', source: 'Ashby docs: file.createFileUploadHandle' },
  { name: 'no-size-check', layer: 'storage', breaks: 'the file size must lie in the policy content-length-range', source: 'S3 POST policy: content-length-range' },
  { name: 'file-not-last-accepted', layer: 'storage', breaks: 'fields after `file` are ignored; a key after file counts as missing', source: 'S3 POST Object: file must be the last field' },
  { name: 'no-signature-check', layer: 'storage', breaks: 'a policy whose signature does not match is rejected (403 SignatureDoesNotMatch)', source: 'S3 SigV4 POST authentication' },
  { name: 'response-schema-drift', layer: 'api', breaks: 'the handle response has results.{handle,url,fields} with string fields', source: 'Ashby OpenAPI: file.createFileUploadHandle: response' },
  { name: 'handle-before-upload', layer: 'api', breaks: 'a handle is unusable before its upload completed', source: 'Ashby docs: file.createFileUploadHandle: use the handle after the file has been uploaded' },
  { name: 'cross-context-handle', layer: 'api', breaks: 'a handle is only accepted by the follow-up call of its context', source: 'Ashby OpenAPI: candidate.uploadResume / uploadFile / info: "fileUploadContext must have been CandidateResume"' },
  { name: 'cross-org-handle', layer: 'api', breaks: "a handle is refused with another organisation's key", source: 'inferred: handles are bound to their organisation' },
  { name: 'error-as-500', layer: 'api', breaks: 'validation errors are HTTP 200 with success:false', source: 'Ashby docs: responses & errors' },
  { name: 'server-error-on-extra-field', layer: 'api', breaks: 'an otherwise-valid request is never answered with a 5xx (answers HTTP 500 to a handle request carrying an unknown extra field)', source: 'Ashby docs: responses & errors' },
  { name: 'unclassified-answer', layer: 'api', breaks: 'every answer is the success or the error envelope (answers a 0-byte handle request with HTTP 200 and a body that is neither)', source: 'Ashby docs: responses & errors' },
  { name: 'random-5xx', layer: 'transport', breaks: 'requests succeed (answers a random share of API and storage requests with 503)', source: 'k6 thresholds: http error rate', takesValue: 'rate' },
  { name: 'latency', layer: 'transport', breaks: 'answers come without added delay (adds MS milliseconds to every answer)', source: 'k6 thresholds: latency percentiles', takesValue: 'ms' },
] as const satisfies readonly FaultDefinition[];

export type FaultName = (typeof FAULTS)[number]['name'];

/** Active faults: name → value (1 for plain faults, the rate or milliseconds for valued ones). */
export type ActiveFaults = ReadonlyMap<FaultName, number>;

export class FaultSpecError extends Error {}

/** Parses `--fault` values like `no-auth-check`, `random-5xx=0.1`, `latency=50`. */
export function parseFaults(specs: readonly string[]): Map<FaultName, number> {
  const active = new Map<FaultName, number>();
  for (const spec of specs) {
    const [name, raw] = spec.split('=', 2) as [string, string | undefined];
    const def = FAULTS.find((f) => f.name === name) as FaultDefinition | undefined;
    if (!def) throw new FaultSpecError(`unknown fault "${name}"; list them with: upload-harness mock --list-faults`);
    if (def.takesValue === undefined) {
      if (raw !== undefined) throw new FaultSpecError(`fault "${name}" takes no value`);
      active.set(def.name as FaultName, 1);
      continue;
    }
    const value = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(value)) {
      throw new FaultSpecError(`fault "${name}" needs a value: ${name}=${def.takesValue === 'rate' ? '0.1' : '50'}`);
    }
    if (def.takesValue === 'rate' && (value < 0 || value > 1)) throw new FaultSpecError(`fault "${name}" rate must be between 0 and 1, got ${raw}`);
    if (def.takesValue === 'ms' && (value < 0 || value > 60_000)) throw new FaultSpecError(`fault "${name}" must be 0..60000 ms, got ${raw}`);
    active.set(def.name as FaultName, value);
  }
  return active;
}

export const FAULT_TABLE_START = '<!-- fault-table:start (generated from src/mock/faults.ts) -->';
export const FAULT_TABLE_END = '<!-- fault-table:end -->';

/** The fault table of docs/mock.md; test/docs.test.ts keeps the copy there equal to this. */
export function renderFaultTable(): string {
  const rows = FAULTS.map((f) => {
    const def = f as FaultDefinition;
    const name = def.takesValue === 'rate' ? `${def.name}=RATE` : def.takesValue === 'ms' ? `${def.name}=MS` : def.name;
    return `| \`${name}\` | ${def.layer} | ${def.breaks.replace(/\|/g, '\\|')} | ${def.source} |`;
  });
  return ['| fault | layer | rule it breaks | source |', '|---|---|---|---|', ...rows].join('\n');
}
