// `upload-harness mock`: runs the mock API + storage emulator until SIGINT/SIGTERM.
import type { Command } from '../cli.ts';
import { parseCommandArgs, parseIntegerOption } from './args.ts';
import { UsageError } from '../config/errors.ts';
import { DurationError, formatDurationMs, parseDurationMs } from '../config/duration.ts';
import { FAULTS, FaultSpecError, parseFaults } from '../mock/faults.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../mock/storage/types.ts';
import { DEFAULT_JOB_POSTING_ID, loadKeysFile, startMockServer, type MockKey, type MockServerOptions } from '../mock/index.ts';

const HELP = `upload-harness mock: a local stand-in for Ashby's API and its S3 upload storage

Usage: upload-harness mock [options]

Options:
  --port N               port to listen on (default 4010; 0 = any free port)
  --host HOST            address to bind (default 127.0.0.1; non-loopback hosts print a warning)
  --upload-ttl DURATION  lifetime of presigned upload URLs (default 10m, as documented)
  --fault NAME[=VALUE]   enable a fault mode (repeatable); see --list-faults
  --keys FILE            JSON array of {key, title, organizationId, permissions} replacing the default keys
  --storage-dir DIR      where uploaded objects are stored (default: a fresh temp dir)
  --enable-test-control  expose /_control/{clock,faults,reset,calls} (no auth; tests only)
  --list-faults          print every fault mode with the rule it breaks, then exit
  --client-report DIR    record and judge the clients that use this mock (like verify-client) and write
                         DIR/{index.html,junit.xml,results.json} when it stops (SIGINT/SIGTERM)

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
  const { values } = parseCommandArgs('mock', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'upload-ttl': { type: 'string' },
    fault: { type: 'string', multiple: true },
    keys: { type: 'string' },
    'storage-dir': { type: 'string' },
    'enable-test-control': { type: 'boolean' },
    'list-faults': { type: 'boolean' },
    'client-report': { type: 'string' },
  });
  const options: MockServerOptions = {
    host: values.host ?? '127.0.0.1',
    port: values.port === undefined ? 4010 : parseIntegerOption('port', values.port, 0, 65535),
    enableTestControl: values['enable-test-control'] ?? false,
  };
  if (values['upload-ttl'] !== undefined) {
    try {
      options.uploadTtlMs = parseDurationMs(values['upload-ttl']);
    } catch (err) {
      if (err instanceof DurationError) throw new UsageError(`--upload-ttl: ${err.message}`, 'see upload-harness mock --help');
      throw err;
    }
    if (options.uploadTtlMs <= 0) throw new UsageError('--upload-ttl must be greater than 0');
  }
  if (values.fault) {
    try {
      parseFaults(values.fault);
    } catch (err) {
      if (err instanceof FaultSpecError) throw new UsageError(`--fault: ${err.message}`, 'see upload-harness mock --list-faults');
      throw err;
    }
    options.faults = values.fault;
  }
  if (values.keys !== undefined) options.keys = loadKeysFile(values.keys);
  if (values['storage-dir'] !== undefined) options.storageDir = values['storage-dir'];
  const parsed: { options: MockServerOptions; listFaults: boolean; clientReport?: string } = { options, listFaults: values['list-faults'] ?? false };
  if (values['client-report'] !== undefined) parsed.clientReport = values['client-report'];
  return parsed;
}

function describeKeys(keys: MockKey[]): string[] {
  return keys.map((k) => `  ${k.key}  "${k.title}"  org ${k.organizationId}  permissions: ${k.permissions.join(', ')}`);
}

export const command: Command = {
  summary: "run a local mock of Ashby's API and its upload storage",
  help: HELP,
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
        `faults: ${options.faults?.length ? options.faults.join(', ') : 'none'}`,
        options.enableTestControl ? 'test control: enabled under /_control/' : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    console.log('mock stopped');
    return 0;
  },
};

/** `mock --client-report DIR`: the mock as a CI service that judges its clients (src/verify/). */
async function runWithClientReport(options: MockServerOptions, dir: string): Promise<number> {
  const { startVerifySession, formatClientEnv } = await import('../verify/session.ts');
  const { writeClientReports, printClientSummary } = await import('./verify-client.ts');
  const session = await startVerifySession({ mock: options });
  console.log(`mock listening on ${session.server.baseUrl} (recording clients; report in ${dir} when stopped)\n${formatClientEnv(session.env)}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await session.close();
  const results = session.judge({});
  await writeClientReports(dir, results);
  printClientSummary(results, dir);
  return results.summary.passed ? 0 : 1;
}
