// What a package of the harness must hold and must not, checked on a pack summary and the text of its
// files: the checkout's `npm pack --dry-run` in `npm test` (test/package-contents.test.ts), and the tarball
// that `npm run test:package` installs (test/package/installed.test.ts). One list of rules for both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type PackedFile, type PackSummary } from '../../scripts/pack-install.ts';

/** Files a user's install needs: the CLI, the compiled entries and their declarations, suites, schemas, k6 bundles. */
const REQUIRED = [
  'package.json', 'README.md', 'docs/api.md', 'bin/upload-harness.js', 'dist/src/cli.js', 'dist/src/cli/conform-help.js', 'dist/conformance/storage.test.js',
  'dist/conformance/deviations.json', 'dist/schemas/reports/conformance-results.json', 'dist/k6/full-flow.js', 'dist/src/mock/storage/hash-worker.mjs',
  ...['index', 'mock', 'client', 'conformance'].flatMap((entry) => [`dist/src/public/${entry}.js`, `dist/src/public/${entry}.d.ts`]),
];

/** Paths that must never ship: the harness's own tests and fixtures, reports, sources, secrets, the build's input hash. */
const forbidden = (p: string) =>
  /^(test|tests|bench|examples|reports|coverage|scripts|\.ci|\.github)\//.test(p) ||
  /(^|\/)(fixtures?|__snapshots__)\//.test(p) ||
  (/\.test\.[cm]?[jt]s$/.test(p) && !/^dist\/conformance\/[a-z-]+\.test\.js$/.test(p)) || // the suites conform runs are product
  /(^|\/)(\.env[^/]*|\.npmrc|id_rsa[^/]*|[^/]+\.(pem|key|p12|pfx)|results\.json|junit\.xml|[^/]+\.cpuprofile|\.build-inputs)$/.test(p) ||
  (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) ||
  p.startsWith('src/') ||
  p === 'package-lock.json';

/** Private keys and real-looking credentials (the mock's documented test access key AKIAMOCKHARNESS… is allowed). */
const SECRETS: readonly [string, RegExp][] = [
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['an AWS access key', /\bAKIA(?!MOCKHARNESS)[0-9A-Z]{16}\b/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
];

/** The README's "The packed tarball is about N kB, M MB unpacked", which must hold within 10 %. */
function sizeProblems(pack: PackSummary): string[] {
  const stated = /tarball is about\s+(\d+) kB, ([\d.]+) MB unpacked/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  if (!stated) return ['README: no "The packed tarball is about N kB, M MB unpacked"'];
  const off = (claimed: number, actual: number) => Math.abs(claimed - actual) / actual > 0.1;
  return [
    ...(off(Number(stated[1]) * 1000, pack.size) ? [`README says ${stated[1]} kB packed; it is ${(pack.size / 1000).toFixed(0)} kB`] : []),
    ...(off(Number(stated[2]) * 1e6, pack.unpackedSize) ? [`README says ${stated[2]} MB unpacked; it is ${(pack.unpackedSize / 1e6).toFixed(2)} MB`] : []),
  ];
}

/** Everything wrong with a package, one line each; `text` is its files' contents, concatenated. */
export function packageProblems(pack: PackSummary, text: string): string[] {
  const paths = new Set(pack.files.map((f: PackedFile) => f.path));
  return [
    ...REQUIRED.filter((p) => !paths.has(p)).map((p) => `missing ${p}`),
    ...[...paths].filter(forbidden).map((p) => `must not ship ${p}`),
    ...SECRETS.filter(([, pattern]) => pattern.test(text)).map(([what]) => `holds ${what}`),
    ...(pack.size >= 1024 * 1024 ? [`${(pack.size / 1024).toFixed(0)} kB packed: over 1 MiB`] : []),
    ...sizeProblems(pack),
  ];
}
