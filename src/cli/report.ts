// `upload-harness report merge a.json b.json … [--report-dir DIR] [--threshold …]`: one report from the
// results of several load processes or machines, with percentiles recomputed from the merged histograms.
import type { Command } from '../cli.ts';
import { HELP, OPTIONS } from './report-help.ts';
import { EXIT, HarnessError, UsageError } from '../config/errors.ts';
import { checkMergeable, mergeResults } from '../load/merge.ts';
import { rateLines } from '../load/rate.ts';
import { readResultsFile } from '../load/results-file.ts';
import { evaluateThresholds, parseThresholdFlag } from '../load/thresholds.ts';
import { validateReport } from '../validation/report-schemas.ts';
import { asUsage, optionValue, parseCommandArgs } from './args.ts';
import { writeReports } from './report-files.ts';



export const command: Command = {
  help: HELP, options: OPTIONS,
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
