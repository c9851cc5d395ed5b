// The public surface (package.json "exports", docs/api.md) is exactly the names declared here: an
// accidental addition or removal in src/public/*.ts fails this test (then: semver, docs/api.md).
// Values are checked on the loaded modules (through the package's self-reference, as a user imports
// them); types too, through the TypeScript checker over the entry files. Deep imports are refused.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** Entry → its value exports and its type-only exports. */
const PUBLIC = {
  'upload-harness': {
    entry: 'src/public/index.ts',
    values: ['EXIT', 'HarnessError', 'UsageError', 'main'],
    types: ['ExitCode', 'HarnessErrorCode'],
  },
  'upload-harness/mock': {
    entry: 'src/public/mock.ts',
    values: ['ClientRecorder', 'DEFAULT_JOB_POSTING_ID', 'DEFAULT_KEYS', 'DEFAULT_STORAGE_CORS', 'DEFAULT_STORAGE_CREDENTIALS', 'FAULTS', 'FaultSpecError', 'MOCK_PROFILE_KIND', 'MockControlClient', 'MockControlError', 'SERVER_LIMITS', 'STORAGE_CAPS', 'judgeClient', 'loadKeysFile', 'loadProfile', 'parseFaults', 'parseStorageCors', 'startMockServer'],
    types: ['CallRecord', 'CandidateRecord', 'ClientResults', 'FaultDefinition', 'FaultLayer', 'FaultName', 'JudgeOptions', 'MockClock', 'MockKey', 'MockProfile', 'MockServer', 'MockServerOptions', 'MockState', 'ProfileChoices', 'ProfileRefusal', 'ServerLimits', 'StorageCaps', 'StorageCors', 'StorageCredentials', 'StoredFileRecord', 'StoredObject', 'SubmissionRecord', 'UploadHandleRecord'],
  },
  'upload-harness/client': {
    entry: 'src/public/client.ts',
    values: ['ApiClient', 'StorageClient', 'TransportError', 'UPLOAD_CONTEXTS', 'UPLOAD_URL_TTL_SECONDS', 'apiKeyInfo', 'candidateInfo', 'closeAgent', 'createCandidate', 'createFileUploadHandle', 'encodeMultipart', 'fileInfo', 'jobPostingInfo', 'parseEnvelope', 'submitApplicationForm', 'uploadFile', 'uploadResume'],
    types: ['ApiClientOptions', 'ApiKeyRef', 'ApiResponse', 'ApplicationFormSubmitInput', 'Candidate', 'CreateUploadHandleInput', 'EncodedMultipart', 'Envelope', 'Exchange', 'FieldList', 'FieldSubmission', 'FileHandleRef', 'FileInfoResults', 'FileSource', 'FormFields', 'HttpOptions', 'MultipartFile', 'ParsedEnvelope', 'ProtocolRequest', 'RawResponse', 'StorageResponse', 'TransportErrorCode', 'UploadContext', 'UploadHandleResults', 'UploadInput'],
  },
  'upload-harness/conformance': {
    entry: 'src/public/conformance.ts',
    values: ['CHECKS', 'ConformanceSession', 'GROUPS', 'LEVELS', 'CONFORMANCE_RESULTS_VERSION', 'loadDeviations', 'runConformance', 'startMockTarget'],
    types: ['CheckDefinition', 'CheckGroup', 'CheckLevel', 'CheckResult', 'CheckStatus', 'Counts', 'Deviations', 'MockTarget', 'RunOptions', 'RunResults', 'RunSummary', 'TargetConfig'],
  },
} as const;

const sorted = (names: Iterable<string>) => [...names].sort();

/** Every name an entry file exports (values and types), as the TypeScript checker sees it. */
function exportedNames(): Map<string, string[]> {
  const files = Object.values(PUBLIC).map((p) => join(ROOT, p.entry));
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowImportingTsExtensions: true, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  return new Map(files.map((f) => [f, checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(f)!)!).map((s) => s.name)]));
}

describe('public API', () => {
  it('package.json exports exactly these entries (plus schemas and package.json)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(sorted(Object.keys(pkg.exports))).toEqual(sorted(['.', './mock', './client', './conformance', './schemas/*', './package.json']));
  });

  it.each(Object.entries(PUBLIC))('%s exports exactly the declared values', async (specifier, declared) => {
    const mod = (await import(specifier)) as Record<string, unknown>;
    expect(sorted(Object.keys(mod))).toEqual(sorted(declared.values));
  });

  it('the entry files export exactly the declared values and types', () => {
    const names = exportedNames();
    for (const p of Object.values(PUBLIC)) expect(sorted(names.get(join(ROOT, p.entry))!), p.entry).toEqual(sorted([...p.values, ...p.types]));
  });

  it('docs/api.md documents every public name', () => {
    const doc = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    for (const p of Object.values(PUBLIC)) for (const name of [...p.values, ...p.types]) expect(doc, name).toContain(`\`${name}`);
  });

  // TypeScript takes the first condition of an exports entry that matches: with `types` first, tsc typed
  // examples/embed against the built declarations in dist/ (stale, or missing, in a checkout).
  it('in the checkout, tsc resolves the package self-reference to the sources, as vitest does', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    for (const [specifier, { entry }] of Object.entries(PUBLIC)) {
      const resolved = ts.resolveModuleName(specifier, join(ROOT, 'examples/embed/quick-start.test.ts'), config.options, ts.sys).resolvedModule;
      expect(resolved?.resolvedFileName, specifier).toBe(join(ROOT, entry));
    }
  });

  it('deep imports are refused (only the exports map is importable)', () => {
    const require = createRequire(join(ROOT, 'package.json'));
    expect(require.resolve('upload-harness/package.json')).toBe(join(ROOT, 'package.json'));
    for (const deep of ['upload-harness/dist/src/mock/index.js', 'upload-harness/src/mock/index.ts', 'upload-harness/mock/faults'])
      expect(() => require.resolve(deep), deep).toThrow(/not defined by "exports"|ERR_PACKAGE_PATH_NOT_EXPORTED/i);
  });
});
