// `upload-harness build`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/build.ts, is imported when the command runs).
import { DEFAULT_K6_OUT_DIR, K6_JS_TARGET, MIN_K6_VERSION } from '../load/build.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';

export const OPTIONS = {
  'out-dir': { type: 'string', value: 'DIR', default: DEFAULT_K6_OUT_DIR, help: 'where the bundles are written' },
} as const satisfies OptionTable;

export const HELP = `upload-harness build [--out-dir DIR]

Writes the k6 bundles of the three scenarios (handle-create, upload, full-flow) into DIR: one ESM
bundle each (external k6, platform browser, ${K6_JS_TARGET} for k6 >= ${MIN_K6_VERSION}). An installed
package copies the bundles it ships prebuilt; a source checkout compiles scenarios/k6/*.ts with esbuild.
Run them with:
  UH_API_KEY=... k6 run -e UH_BASE_URL=https://... -e UH_RATE=10 -e UH_DURATION=30s dist/k6/full-flow.js

Options:
${optionsHelp(OPTIONS)}

Examples:
  upload-harness build
  upload-harness build --out-dir build/k6`;
