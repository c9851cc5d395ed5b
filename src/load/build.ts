// Compiles scenarios/k6/<scenario>.ts into dist/k6/<scenario>.js: one self-contained ESM bundle per
// scenario, `k6` and `k6/*` left as imports, browser platform (k6's runtime is browser-like, not Node),
// es2022 (research/k6.md §2.2). Tests build a copy with the k6 modules aliased to a Node test double.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SCENARIOS, type ScenarioName } from '../../scenarios/flows/index.ts';

export const K6_SOURCE_DIR = fileURLToPath(new URL('../../scenarios/k6/', import.meta.url));
export const DEFAULT_K6_OUT_DIR = fileURLToPath(new URL('../../dist/k6/', import.meta.url));

export interface BuildOptions {
  outDir?: string;
  scenarios?: readonly ScenarioName[];
  /** Module aliases (tests map 'k6', 'k6/http', … to a Node double); when set, k6 is bundled too. */
  alias?: Record<string, string>;
  minify?: boolean;
}

export async function buildK6Bundles(options: BuildOptions = {}): Promise<Record<ScenarioName, string>> {
  const outDir = options.outDir ?? DEFAULT_K6_OUT_DIR;
  const scenarios = options.scenarios ?? SCENARIOS;
  await build({
    entryPoints: scenarios.map((s) => join(K6_SOURCE_DIR, `${s}.ts`)),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: options.alias ? 'node' : 'browser',
    target: 'es2022',
    external: options.alias ? [] : ['k6'],
    alias: options.alias,
    sourcemap: options.alias ? false : 'linked',
    minify: options.minify ?? false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return Object.fromEntries(scenarios.map((s) => [s, join(outDir, `${s}.js`)])) as Record<ScenarioName, string>;
}
