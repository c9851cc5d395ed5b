// `upload-harness report merge a.json b.json … [--report-dir DIR] [--threshold …]`: one report from the
// results of several load processes or machines, with percentiles recomputed from the merged histograms.
import type { Command } from '../cli.ts';
import { EXIT, HarnessError, UsageError } from '../config/errors.ts';
import { checkMergeable, mergeResults } from '../load/merge.ts';
import { rateLines } from '../load/rate.ts';
import { readResultsFile } from '../load/results-file.ts';
import { evaluateThresholds, parseThresholdFlag } from '../load/thresholds.ts';
import { validateReport } from '../validation/report-schemas.ts';
import { asUsage, optionsHelp, optionValue, parseCommandArgs, type OptionTable } from './args.ts';
import { writeReports } from './report-files.ts';

export const OPTIONS = {
  'report-dir': { type: 'string', value: 'DIR', default: 'reports/load-merged', help: '' },
  threshold: { type: 'string', multiple: true, value: "'metric:expr'", help: 'repeatable, k6 syntax' },
  sequential: { type: 'boolean', help: 'the runs were made one after another (their windows do not overlap), not at the\nsame time: rates over their summed windows' },
} as const satisfies OptionTable;

const HELP = `upload-harness report merge <results.json>... [options]

Merges load results (k6 segments, several machines) into one report: counts summed, latency
percentiles recomputed from the merged HDR histograms (never averaged), per-second series aligned.
Thresholds are kept and evaluated on the merged histograms and counters (exactly, never by averaging
percentiles): those given with --threshold, else the ones the parts were run with; JUnit lists them.
The rate record is merged too and judged again: a merged run that did not hold its rate exits 99.
Refused (exit 2, naming the file and the JSON path): a file that does not match the results schema
(or holds an unreadable histogram, or a results schema version this harness does not merge); the
same run twice (/run/id); runs that did not run at the same time, unless --sequential says they ran
one after another; runs of different scenarios, settings (/options/…) or threshold sets; overlapping
execution segments. Missing segments (0:1/4 and 1/4:2/4 only) are reported; counts and rates are then
of the segments present.

Options:
${optionsHelp(OPTIONS)}

Exit codes: 0 ok, 2 usage error or a refused input, 99 a threshold failed or the rate was not held.

Examples:
  upload-harness report merge reports/m1/results.json reports/m2/results.json --report-dir reports/all
  upload-harness report merge reports/morning/results.json reports/noon/results.json --sequential`;

export const command: Command = {
  summary: 'merge load results of several processes/machines into one report', help: HELP, options: OPTIONS,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('report', argv, OPTIONS, true);
    const [sub, ...files] = positionals;
    if (sub !== 'merge') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`, 'usage: upload-harness report merge a.json b.json …');
    if (files.length === 0) throw new UsageError('report merge needs at least one results.json');
    const inputs = files.map((f) => readResultsFile(f));
    const opts = { sequential: values.sequential === true };
    const { notes } = checkMergeable(inputs, files, opts);
    for (const note of notes) console.error(`note: ${note}`);
    const merged = mergeResults(inputs, files, opts);
    const specs = values.threshold ?? merged.options.thresholds;
    const thresholds = asUsage(() => specs.flatMap(parseThresholdFlag), { label: '--threshold' });
    merged.options = { ...merged.options, thresholds: specs };
    merged.thresholds = evaluateThresholds(merged, thresholds);
    // What merge writes is read back by the next merge or baseline: it must hold to the schema itself.
    const check = validateReport('load-results', JSON.parse(JSON.stringify(merged)));
    if (!check.ok) throw new HarnessError('internal', `the merged results do not match the load results schema at ${check.violations[0]!.instancePath}: ${check.violations[0]!.message}`, 'a bug in report merge: please report it with the input files');
    // Merged files carry no key; the writer still scrubs secret-looking patterns.
    const paths = await writeReports(optionValue(OPTIONS, values, 'report-dir', process.env)!, 'load', merged, []);
    for (const line of rateLines(merged.rate)) console.error(line);
    for (const t of merged.thresholds) console.error(`threshold ${t.ok ? 'ok  ' : 'FAIL'} ${t.message}`);
    console.error(`merged ${files.length} result file(s): ${merged.totals.iterations} iterations; report: ${paths.html}`);
    const rateFailed = !merged.rate.held && !merged.rate.allowShortfall;
    return merged.thresholds.some((t) => !t.ok) || rateFailed ? EXIT.thresholds : EXIT.ok;
  },
};
