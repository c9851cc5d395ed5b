// Compiles scenarios/k6/<scenario>.ts into dist/k6/<scenario>.js: one self-contained ESM bundle per
// scenario, `k6` and `k6/*` left as imports, browser platform (k6's runtime is browser-like, not Node),
// syntax lowered to the ECMAScript level the oldest supported k6 documents (K6_JS_TARGET, see
// docs/decisions/0037-k6-bundle-target-and-minimum-version.md). Tests build a copy with the k6 modules
// aliased to a Node test double, and run the real bundles in a k6-like realm (test/k6-realm.test.ts).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SCENARIOS, type ScenarioName } from '../../scenarios/flows/index.ts';

/** The oldest k6 the bundles are built for, and the JS level its docs promise ("ES6+"). */
export const MIN_K6_VERSION = '1.0.0';
export const K6_JS_TARGET = 'es2015';

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
    target: K6_JS_TARGET,
    external: options.alias ? [] : ['k6'],
    alias: options.alias,
    sourcemap: options.alias ? false : 'linked',
    minify: options.minify ?? false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return Object.fromEntries(scenarios.map((s) => [s, join(outDir, `${s}.js`)])) as Record<ScenarioName, string>;
}
