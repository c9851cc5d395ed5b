// `upload-harness report merge a.json b.json … [--report-dir DIR] [--threshold …]`: one report from the
// results of several load processes or machines, with percentiles recomputed from the merged histograms.
import type { Command } from '../cli.ts';
import { EXIT, UsageError } from '../config/errors.ts';
import { checkMergeable, mergeResults } from '../load/merge.ts';
import { readResultsFile } from '../load/run.ts';
import { evaluateThresholds, parseThresholdFlag } from '../load/thresholds.ts';
import { asUsage, optionsHelp, optionValue, parseCommandArgs, type OptionTable } from './args.ts';
import { writeReports } from './report-files.ts';

export const OPTIONS = {
  'report-dir': { type: 'string', value: 'DIR', default: 'reports/load-merged', help: '' },
  threshold: { type: 'string', multiple: true, value: "'metric:expr'", help: 'repeatable, k6 syntax' },
} as const satisfies OptionTable;

const HELP = `upload-harness report merge <results.json>... [options]

Merges load results (k6 segments, several machines) into one report: counts summed, latency
percentiles recomputed from the merged HDR histograms (never averaged), per-second series aligned.
Thresholds are kept and evaluated on the merged histograms and counters (exactly, never by averaging
percentiles): those given with --threshold, else the ones the parts were run with; JUnit lists them.
Refused (exit 2): runs of different scenarios, with different threshold sets, overlapping execution
segments, or a results schema version this harness does not know. Missing segments (0:1/4 and
1/4:2/4 only) are reported; counts and rates are then of the segments present.

Options:
${optionsHelp(OPTIONS)}

Exit codes: 0 ok, 2 usage error, 99 a threshold failed.

Example:
  upload-harness report merge reports/m1/results.json reports/m2/results.json --report-dir reports/all`;

export const command: Command = {
  summary: 'merge load results of several processes/machines into one report', help: HELP, options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('report', argv, OPTIONS, true);
    const [sub, ...files] = positionals;
    if (sub !== 'merge') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`, 'usage: upload-harness report merge a.json b.json …');
    if (files.length === 0) throw new UsageError('report merge needs at least one results.json');
    const inputs = files.map(readResultsFile);
    const { notes } = checkMergeable(inputs, files);
    for (const note of notes) console.error(`note: ${note}`);
    const merged = mergeResults(inputs, files);
    const specs = values.threshold ?? merged.options.thresholds;
    const thresholds = asUsage(() => specs.flatMap(parseThresholdFlag), { label: '--threshold' });
    merged.options = { ...merged.options, thresholds: specs };
    merged.thresholds = evaluateThresholds(merged, thresholds);
    // Merged files carry no key; the writer still scrubs secret-looking patterns.
    const paths = await writeReports(optionValue(OPTIONS, values, 'report-dir', process.env)!, 'load', merged, []);
    for (const t of merged.thresholds) console.error(`threshold ${t.ok ? 'ok  ' : 'FAIL'} ${t.message}`);
    console.error(`merged ${files.length} result file(s): ${merged.totals.iterations} iterations; report: ${paths.html}`);
    return merged.thresholds.some((t) => !t.ok) ? EXIT.thresholds : EXIT.ok;
  },
};
