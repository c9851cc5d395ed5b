// `upload-harness mock`: runs the mock API + storage emulator until SIGINT/SIGTERM.
import type { Command } from '../cli.ts';
import { asUsage, optionsHelp, parseCommandArgs, parseIntegerOption, type OptionTable } from './args.ts';
import { UsageError } from '../config/errors.ts';
import { formatDurationMs, parseDurationMs } from '../config/duration.ts';
import { untilStopSignal } from '../config/interrupt.ts';
import { FAULTS, parseFaults } from '../mock/faults.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../mock/storage/types.ts';
import { formatSize, parseSize } from '../../scenarios/flows/index.ts';
import { DEFAULT_JOB_POSTING_ID, loadKeysFile, parseStorageCors, STORAGE_CAPS, startMockServer, type MockKey, type MockServerOptions } from '../mock/index.ts';
import { describeCors, DEFAULT_STORAGE_CORS } from '../mock/storage/cors.ts';

/** Every option of `mock` (format: src/cli/args.ts). */
export const OPTIONS = {
  port: { type: 'string', value: 'N', default: 4010, help: 'port to listen on; 0 = any free port' },
  host: { type: 'string', value: 'HOST', default: '127.0.0.1', help: 'address to bind; non-loopback hosts print a warning' },
  'upload-ttl': { type: 'string', value: 'DURATION', default: '10m', help: 'lifetime of presigned upload URLs, as documented' },
  fault: { type: 'string', multiple: true, value: 'NAME[=VALUE]', help: 'enable a fault mode (repeatable); see --list-faults' },
  keys: { type: 'string', value: 'FILE', help: 'JSON array of {key, title, organizationId, permissions} replacing the default keys' },
  'storage-dir': { type: 'string', value: 'DIR', help: 'where uploaded objects are stored (default: a fresh temp dir)' },
  'storage-max-objects': { type: 'string', value: 'N', default: STORAGE_CAPS.maxObjects, help: 'most objects kept; beyond it the oldest are evicted' },
  'storage-max-bytes': { type: 'string', value: 'SIZE', default: formatSize(STORAGE_CAPS.maxBytes), help: 'most bytes kept, e.g. 512MiB or 2GiB; oldest evicted first' },
  'storage-cors': { type: 'string', value: 'ORIGINS', default: '*', help: "the bucket's CORS rule for browser uploads: * (any origin), none (S3's default:\nno CORS, so a page on another origin cannot read the upload's answer), or\norigins, comma-separated (http://localhost:3000,https://app.example.com)" },
  'enable-test-control': { type: 'boolean', help: 'expose /_control/{clock,faults,reset,calls} (no auth; tests only)' },
  'list-faults': { type: 'boolean', help: 'print every fault mode with the rule it breaks, then exit' },
  'client-report': { type: 'string', value: 'DIR', help: 'record and judge the clients that use this mock (like verify-client) and write\nDIR/{index.html,junit.xml,results.json} when it stops (SIGINT/SIGTERM)' },
} as const satisfies OptionTable;

const HELP = `upload-harness mock: a local stand-in for Ashby's API and its S3 upload storage

Usage: upload-harness mock [options]

Options:
${optionsHelp(OPTIONS)}

Examples:
  upload-harness mock
  upload-harness mock --port 0 --upload-ttl 2s --enable-test-control
  upload-harness mock --fault no-auth-check --fault latency=50
  upload-harness mock --keys ./keys.json --storage-dir ./mock-data
  upload-harness mock --client-report reports/client`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function listFaults(): string {
  const width = Math.max(...FAULTS.map((f) => f.name.length + ('takesValue' in f ? 4 : 0)));
  return FAULTS.map((f) => {
    const name = 'takesValue' in f ? `${f.name}=${f.takesValue === 'rate' ? 'R' : 'MS'}` : f.name;
    return `${name.padEnd(width + 2)}[${f.layer}] breaks: ${f.breaks}\n${' '.repeat(width + 2)}source: ${f.source}`;
  }).join('\n');
}

/** Validates every flag into server options; any bad value is a UsageError (exit 2). */
export function mockOptionsFromArgs(argv: string[]): { options: MockServerOptions; listFaults: boolean; clientReport?: string } {
  const { values } = parseCommandArgs('mock', argv, OPTIONS);
  const options: MockServerOptions = {
    host: values.host ?? String(OPTIONS.host.default),
    port: values.port === undefined ? OPTIONS.port.default : parseIntegerOption('port', values.port, 0, 65535),
    enableTestControl: values['enable-test-control'] ?? false,
  };
  if (values['upload-ttl'] !== undefined) {
    const ttl = values['upload-ttl'];
    options.uploadTtlMs = asUsage(() => parseDurationMs(ttl), { label: '--upload-ttl', hint: 'see upload-harness mock --help' });
    if (options.uploadTtlMs <= 0) throw new UsageError('--upload-ttl must be greater than 0');
  }
  if (values.fault) {
    const faults = values.fault;
    asUsage(() => parseFaults(faults), { label: '--fault', hint: 'see upload-harness mock --list-faults' });
    options.faults = values.fault;
  }
  if (values.keys !== undefined) options.keys = loadKeysFile(values.keys);
  if (values['storage-dir'] !== undefined) options.storageDir = values['storage-dir'];
  if (values['storage-cors'] !== undefined) options.storageCors = parseStorageCors(values['storage-cors']);
  if (values['storage-max-objects'] !== undefined) options.storageMaxObjects = parseIntegerOption('storage-max-objects', values['storage-max-objects'], 1, Number.MAX_SAFE_INTEGER);
  if (values['storage-max-bytes'] !== undefined) {
    const size = values['storage-max-bytes'];
    options.storageMaxBytes = asUsage(() => parseSize(size, Number.MAX_SAFE_INTEGER), { label: '--storage-max-bytes', hint: 'see upload-harness mock --help' });
  }
  const parsed: { options: MockServerOptions; listFaults: boolean; clientReport?: string } = { options, listFaults: values['list-faults'] ?? false };
  if (values['client-report'] !== undefined) parsed.clientReport = values['client-report'];
  return parsed;
}

function describeKeys(keys: MockKey[]): string[] {
  return keys.map((k) => `  ${k.key}  "${k.title}"  org ${k.organizationId}  permissions: ${k.permissions.join(', ')}`);
}

export const command: Command = {
  summary: "run a local mock of Ashby's API and its upload storage", help: HELP, options: OPTIONS,
  async run(argv) {
    const { options, listFaults: wantList, clientReport } = mockOptionsFromArgs(argv);
    if (wantList) {
      console.log(listFaults());
      return 0;
    }
    if (!LOOPBACK.has(options.host!)) console.error(`warning: binding to non-loopback host ${options.host}; the mock has test keys and no real security`);
    if (clientReport !== undefined) return runWithClientReport(options, clientReport);
    const server = await startMockServer(options);
    const c = DEFAULT_STORAGE_CREDENTIALS;
    console.log(
      [
        `mock listening on ${server.baseUrl}`,
        'API keys (HTTP Basic user name, empty password):',
        ...describeKeys(server.keys),
        `job posting: ${DEFAULT_JOB_POSTING_ID}`,
        `storage (S3 emulator test credentials): bucket ${c.bucket}, region ${c.region}, access key ${c.accessKeyId}, secret ${c.secretAccessKey}`,
        `upload URL lifetime: ${formatDurationMs(options.uploadTtlMs ?? 600_000)}`,
        `storage CORS rule (browser uploads from other origins): ${describeCors(options.storageCors ?? DEFAULT_STORAGE_CORS)}`,
        `storage keeps at most ${options.storageMaxObjects ?? STORAGE_CAPS.maxObjects} objects and ${formatSize(options.storageMaxBytes ?? STORAGE_CAPS.maxBytes)} (oldest evicted first)`,
        `faults: ${options.faults?.length ? options.faults.join(', ') : 'none'}`,
        options.enableTestControl ? 'test control: enabled under /_control/' : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    await untilStopSignal();
    await server.close();
    console.log('mock stopped');
    return 0;
  },
};

/** `mock --client-report DIR`: the mock as a CI service that judges its clients (src/verify/). */
async function runWithClientReport(options: MockServerOptions, dir: string): Promise<number> {
  const { startVerifySession, formatClientEnv } = await import('../verify/session.ts');
  // Loaded only with --client-report: the report code would slow every mock start.
  const [{ printClientSummary }, { checkReportDir, writeReports }] = await Promise.all([import('./verify-client.ts'), import('./report-files.ts')]);
  await checkReportDir(dir, '--client-report');
  const session = await startVerifySession({ mock: options });
  console.log(`mock listening on ${session.server.baseUrl} (recording clients; report in ${dir} when stopped)\n${formatClientEnv(session.env)}`);
  await untilStopSignal();
  await session.close();
  const results = session.judge({});
  const written = await writeReports(dir, 'client', results, session.secrets());
  printClientSummary(results, written.html);
  return results.summary.passed ? 0 : 1;
}
