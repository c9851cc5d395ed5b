// Compiles scenarios/k6/<scenario>.ts into dist/k6/<scenario>.js: one self-contained ESM bundle per
// scenario, `k6` and `k6/*` left as imports, browser platform (k6's runtime is browser-like, not Node),
// syntax lowered to the ECMAScript level the oldest supported k6 documents (K6_JS_TARGET, see
// docs/decisions/0037-k6-bundle-target-and-minimum-version.md). Tests build a copy with the k6 modules
// aliased to a Node test double, and run the real bundles in a k6-like realm (test/k6-realm.test.ts).
// The published package ships these bundles prebuilt (made at prepare/prepack), so an installed CLI copies
// them instead of compiling: esbuild is then a development dependency only (docs/decisions/0080-*.md).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { SCENARIOS, type ScenarioName } from '../../scenarios/flows/index.ts';
import { HarnessError } from '../config/errors.ts';

/** Running from the TypeScript sources (tsx, vitest) rather than from the compiled dist/. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The oldest k6 the bundles are built for, and the JS level its docs promise ("ES6+"). */
export const MIN_K6_VERSION = '1.0.0';
export const K6_JS_TARGET = 'es2015';

const K6_SOURCE_DIR = fileURLToPath(new URL('../../scenarios/k6/', import.meta.url));
/** From source: <repo>/dist/k6 (what prepack ships); compiled: <package>/dist/k6, the shipped bundles. */
export const DEFAULT_K6_OUT_DIR = fileURLToPath(new URL(FROM_SOURCE ? '../../dist/k6/' : '../../k6/', import.meta.url));

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
  const out = Object.fromEntries(scenarios.map((s) => [s, join(outDir, `${s}.js`)])) as Record<ScenarioName, string>;
  if (!FROM_SOURCE && !options.alias) return copyPrebuilt(scenarios, outDir, out);
  const { build } = await import('esbuild'); // development dependency: only the source checkout compiles
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
  return out;
}

/** The installed package: the bundles built at prepack, copied when another folder is asked for. */
function copyPrebuilt(scenarios: readonly ScenarioName[], outDir: string, out: Record<ScenarioName, string>): Record<ScenarioName, string> {
  const same = resolve(outDir) === resolve(DEFAULT_K6_OUT_DIR);
  if (!same) mkdirSync(outDir, { recursive: true });
  for (const s of scenarios) {
    const bundle = join(DEFAULT_K6_OUT_DIR, `${s}.js`);
    if (!existsSync(bundle)) throw new HarnessError('k6-bundle', `the prebuilt k6 bundle ${bundle} is missing`);
    if (same) continue;
    copyFileSync(bundle, out[s]);
    if (existsSync(`${bundle}.map`)) copyFileSync(`${bundle}.map`, `${out[s]}.map`);
  }
  return out;
}
