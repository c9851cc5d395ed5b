// `upload-harness report merge`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/report.ts, is imported when the command runs).
import { optionsHelp, type OptionTable } from './option-table.ts';

export const OPTIONS = {
  'report-dir': { type: 'string', value: 'DIR', default: 'reports/load-merged', help: '' },
  threshold: { type: 'string', multiple: true, value: "'metric:expr'", help: 'repeatable, k6 syntax' },
  sequential: { type: 'boolean', help: 'the runs were made one after another (their windows do not overlap), not at the\nsame time: rates over their summed windows' },
} as const satisfies OptionTable;

export const HELP = `upload-harness report merge <results.json>... [options]

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
