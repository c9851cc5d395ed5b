// `upload-harness mock`: runs the mock API + storage emulator until SIGINT/SIGTERM.
import type { Command } from '../cli.ts';
import { HELP, OPTIONS } from './mock-help.ts';
import { asUsage, parseCommandArgs, parseIntegerOption } from './args.ts';
import { UsageError } from '../config/errors.ts';
import { formatDurationMs, parseDurationMs } from '../config/duration.ts';
import { untilStopSignal } from '../config/interrupt.ts';
import { FAULTS, parseFaults } from '../mock/faults.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../mock/storage/types.ts';
import { formatSize, parseSize } from '../../scenarios/flows/index.ts';
import { DEFAULT_JOB_POSTING_ID, loadKeysFile, parseStorageCors, STORAGE_CAPS, startMockServer, type MockKey, type MockServerOptions } from '../mock/index.ts';
import { describeCors, DEFAULT_STORAGE_CORS } from '../mock/storage/cors.ts';



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
  help: HELP, options: OPTIONS,
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
