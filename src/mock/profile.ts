// A mock profile: the choices a target made where the docs leave the behaviour open, so the mock can
// answer like that target there (docs/decisions/0184-mock-profiles.md). A profile is derived from a
// behaviour record (behaviour.json or a conform results.json) or written by hand as a profile file; either
// way it holds only open choices — the format has no knob for a documented rule (policy expiry, the
// signature, the size range, authentication), so no profile can relax one. Absent choice = mock default.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../config/errors.ts';
// The module, not the layer's index: the index also loads the HDR histogram codec (hdr-histogram-js and
// its inflate library), which `upload-harness mock` never uses.
import { BEHAVIOUR_RECORD_KIND, type BehaviourRecord, type CheckBehaviour } from '../results/behaviour.ts';
import { reportMismatch } from '../validation/report-schemas.ts';

export const MOCK_PROFILE_KIND = 'upload-harness/mock-profile';

/** How the mock refuses a request at an open point: the API error answer's HTTP status, code and message. */
export interface ProfileRefusal {
  status: number;
  code: string;
  message: string;
}

export interface ProfileChoices {
  /** file.createFileUploadHandle with an unknown extra member: ignored (default) or refused. */
  extraHandleField?: 'ignore' | ProfileRefusal;
  /** file.createFileUploadHandle with contentLength 0: accepted (default) or refused. */
  zeroByte?: 'accept' | ProfileRefusal;
  /** A follow-up call with a handle already used: refused (default) or accepted again. */
  handleReuse?: 'accept' | ProfileRefusal;
  /** candidate.uploadFile with a handle the mock cannot open (unknown or garbled): how it is refused. */
  unknownHandle?: ProfileRefusal;
  /** Members the handle answer's `results` carries besides handle, url and fields: name → JSON shape. */
  handleExtraMembers?: Record<string, string>;
  /** Storage's answer to a successful POST without success_action_status (default 204, empty body). */
  storageSuccessStatus?: 200 | 201 | 204;
}

export interface MockProfile {
  /** What reports name: the file's base name (or the name given). */
  name: string;
  choices: ProfileChoices;
}

const CHOICE_KEYS = ['extraHandleField', 'zeroByte', 'handleReuse', 'unknownHandle', 'handleExtraMembers', 'storageSuccessStatus'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function refusalOf(v: unknown, at: string): ProfileRefusal {
  if (!isObject(v)) throw new UsageError(`${at}: expected a refusal {status, code, message}`);
  const unknown = Object.keys(v).filter((k) => !['status', 'code', 'message'].includes(k));
  if (unknown.length) throw new UsageError(`${at}: unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')}`, 'a refusal has only status, code and message');
  if (!Number.isInteger(v.status) || (v.status as number) < 200 || (v.status as number) > 599) throw new UsageError(`${at}.status: expected an HTTP status 200–599`);
  if (typeof v.code !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(v.code)) throw new UsageError(`${at}.code: expected an error code (letters, digits, _ . -)`);
  if (typeof v.message !== 'string' || v.message.length > 500) throw new UsageError(`${at}.message: expected a text of at most 500 characters`);
  return { status: v.status as number, code: v.code, message: v.message };
}

function choiceOr<T extends string>(v: unknown, word: T, at: string): T | ProfileRefusal {
  return v === word ? word : refusalOf(v, at);
}

/** The choices of a profile file, refusing any key the format does not have (named, with where it is). */
export function parseProfileChoices(value: unknown, file: string): ProfileChoices {
  if (!isObject(value)) throw new UsageError(`${file}: expected {"kind": "${MOCK_PROFILE_KIND}", "choices": {…}}`);
  const top = Object.keys(value).filter((k) => !['kind', 'choices'].includes(k));
  if (top.length) throw new UsageError(`${file}: unknown key ${top.map((k) => JSON.stringify(k)).join(', ')}`, 'a profile has only "kind" and "choices"');
  const c = value.choices;
  if (!isObject(c)) throw new UsageError(`${file}: "choices" must be an object`);
  const unknown = Object.keys(c).filter((k) => !(CHOICE_KEYS as readonly string[]).includes(k));
  if (unknown.length) {
    throw new UsageError(`${file}: unknown profile choice ${unknown.map((k) => JSON.stringify(k)).join(', ')}`, `a profile sets only behaviour the docs leave open: ${CHOICE_KEYS.join(', ')}`);
  }
  const out: ProfileChoices = {};
  const at = (k: string) => `${file}: choices.${k}`;
  if (c.extraHandleField !== undefined) out.extraHandleField = choiceOr(c.extraHandleField, 'ignore', at('extraHandleField'));
  if (c.zeroByte !== undefined) out.zeroByte = choiceOr(c.zeroByte, 'accept', at('zeroByte'));
  if (c.handleReuse !== undefined) out.handleReuse = choiceOr(c.handleReuse, 'accept', at('handleReuse'));
  if (c.unknownHandle !== undefined) out.unknownHandle = refusalOf(c.unknownHandle, at('unknownHandle'));
  if (c.handleExtraMembers !== undefined) {
    const m = c.handleExtraMembers;
    if (!isObject(m) || Object.values(m).some((s) => typeof s !== 'string' || valueOfShape(s) === undefined)) throw new UsageError(`${at('handleExtraMembers')}: expected {name: shape}, e.g. {"expiresInSeconds": "number"}`);
    const clash = Object.keys(m).filter((k) => ['handle', 'url', 'fields'].includes(k));
    if (clash.length) throw new UsageError(`${at('handleExtraMembers')}: ${clash.join(', ')} is a documented member, not an extra one`);
    out.handleExtraMembers = m as Record<string, string>;
  }
  if (c.storageSuccessStatus !== undefined) {
    if (![200, 201, 204].includes(c.storageSuccessStatus as number)) throw new UsageError(`${at('storageSuccessStatus')}: expected 200, 201 or 204`);
    out.storageSuccessStatus = c.storageSuccessStatus as 200 | 201 | 204;
  }
  return out;
}

/** Splits `a:x,b:{c:y}` at its top-level commas. */
function topLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) parts.push(text.slice(start));
  return parts;
}

/** An object shape's members: `{a:string,b:{c:number}}` → {a: 'string', b: '{c:number}'}. */
function members(shape: string): Record<string, string> | undefined {
  if (!shape.startsWith('{') || !shape.endsWith('}')) return undefined;
  const out: Record<string, string> = {};
  for (const part of topLevel(shape.slice(1, -1))) {
    const colon = part.indexOf(':');
    if (colon < 1) return undefined;
    out[part.slice(0, colon)] = part.slice(colon + 1);
  }
  return out;
}

/** A value of that JSON shape (what the mock sends for an extra member: the shape is the behaviour). */
function valueOfShape(shape: string): unknown {
  const scalars: Record<string, unknown> = { string: '', number: 0, boolean: false, null: null };
  if (shape in scalars) return scalars[shape];
  if (shape.startsWith('[') && shape.endsWith(']')) {
    const inner = shape.slice(1, -1);
    if (inner === '') return [];
    const item = valueOfShape(inner.split('|')[0]!);
    return item === undefined ? undefined : [item];
  }
  const m = members(shape);
  if (!m) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(m)) {
    const v = valueOfShape(s);
    if (v === undefined) return undefined;
    out[k] = v;
  }
  return out;
}

// ---- Derivation from a behaviour record -------------------------------------------------------------

const HANDLE_REQUEST = 'POST /file.createFileUploadHandle';

/** `… HTTP 200 {"success":false,…}` in an INFO text: the refusal it quotes (undefined when cut short). */
function quotedRefusal(text: string): ProfileRefusal | undefined {
  const m = /HTTP (\d{3}) (\{.*\})$/.exec(text);
  if (!m) return undefined;
  try {
    const body = JSON.parse(m[2]!) as { errorInfo?: { code?: unknown; message?: unknown } };
    const code = body.errorInfo?.code;
    const message = body.errorInfo?.message;
    if (typeof code !== 'string' || typeof message !== 'string') return undefined;
    return { status: Number(m[1]), code, message };
  } catch {
    return undefined;
  }
}

const usable = (c: CheckBehaviour | undefined): c is CheckBehaviour => c !== undefined && c.interrupted !== true && c.status !== 'skip' && c.status !== 'error';

/** The open choices a recorded target made (an open point its run did not observe stays absent). */
export function profileChoicesFromRecord(record: BehaviourRecord): ProfileChoices {
  const check = (id: string) => {
    const c = record.checks.find((x) => x.id === id);
    return usable(c) ? c : undefined;
  };
  const out: ProfileChoices = {};
  const refusalIn = (c: CheckBehaviour | undefined, prefix: RegExp): ProfileRefusal | 'accept' | undefined => {
    const text = c?.info.find((t) => prefix.test(t));
    if (text === undefined) return undefined;
    return / refused: /.test(text) ? quotedRefusal(text) : 'accept';
  };
  const extra = refusalIn(check('validation.extra-field'), /^an unknown extra field/);
  if (extra !== undefined) out.extraHandleField = extra === 'accept' ? 'ignore' : extra;
  const zero = check('ctx.size.zero')?.info.find((t) => t.startsWith('contentLength 0'));
  if (zero !== undefined) {
    const r = zero.startsWith('contentLength 0 refused') ? quotedRefusal(zero) : 'accept';
    if (r !== undefined) out.zeroByte = r;
  }
  const reuse = refusalIn(check('lifecycle.handle.reuse'), /^second use: /);
  if (reuse !== undefined) out.handleReuse = reuse;
  const unknown = refusalIn(check('lifecycle.handle.unknown'), /^an unknown handle/);
  if (unknown !== undefined && unknown !== 'accept') out.unknownHandle = unknown;
  // The handle answer's members beyond the documented three, from any successful handle answer.
  const handleShape = record.checks.flatMap((c) => (usable(c) ? c.exchanges : [])).find((e) => e.request === HANDLE_REQUEST && e.envelope === 'success' && e.shape)?.shape;
  const results = handleShape === undefined ? undefined : members(members(handleShape)?.results ?? '');
  if (results) {
    const extraMembers = Object.fromEntries(Object.entries(results).filter(([k]) => !['handle', 'url', 'fields'].includes(k)));
    if (Object.keys(extraMembers).length) out.handleExtraMembers = extraMembers;
  }
  // Storage's success status where no success_action_status was asked for: the check that judges it.
  const storage = check('envelope.storage.success-204')?.exchanges.find((e) => /^POST \/[^./]+$/.test(e.request) && e.status !== undefined && e.status >= 200 && e.status < 300);
  if (storage && [200, 201, 204].includes(storage.status!)) out.storageSuccessStatus = storage.status as 200 | 201 | 204;
  return out;
}

/**
 * The profile in `file`: a profile file, or derived from a behaviour.json. (A conform results.json is not
 * read here: rebuilding its record needs the client layer, which the mock never loads — give the
 * behaviour.json written beside it.)
 */
export function loadProfile(file: string): MockProfile {
  const hint = 'give the behaviour.json of a conform run (written beside its results.json), or a profile file';
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read profile ${file}: ${(err as Error).message.split('\n')[0]}`, hint);
  }
  const name = basename(file);
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === MOCK_PROFILE_KIND) return { name, choices: parseProfileChoices(value, file) };
  if (kind !== BEHAVIOUR_RECORD_KIND) throw new UsageError(`${file} is neither a profile file nor a behaviour.json`, hint);
  const mismatch = reportMismatch('behaviour-record', value, file, 'behaviour record');
  if (mismatch) throw new UsageError(mismatch, hint);
  return { name, choices: profileChoicesFromRecord(value as BehaviourRecord) };
}

export function handleExtraValues(choices: ProfileChoices): Record<string, unknown> {
  return Object.fromEntries(Object.entries(choices.handleExtraMembers ?? {}).map(([k, s]) => [k, valueOfShape(s)]));
}

/** A profile's choices, as a one-line summary for banners and reports. */
export function describeProfile(profile: MockProfile): string {
  const set = CHOICE_KEYS.filter((k) => profile.choices[k] !== undefined);
  return `${profile.name} (${set.length ? set.join(', ') : 'no open choice differs'})`;
}
