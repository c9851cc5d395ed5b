// What the package would ship, from `npm pack --dry-run` of the checkout (its `files` list applied to the
// dist/ that `npm ci` built): the CLI, the compiled entries and their declarations, the suites, schemas and
// k6 bundles; no tests, reports, fixtures, sources or secrets; the size the README states. Installing that
// package and using it on each supported Node is `npm run test:package` (test/package/installed.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCheckoutPack, ROOT, type PackedFile, type PackSummary } from '../scripts/pack-install.ts';
import { HARNESS_VERSION } from '../src/results/index.ts';

const packed: PackSummary = listCheckoutPack();

/** Paths that must never ship: the harness's own tests and fixtures, reports, sources, secrets, the build's input hash. */
function forbidden(files: readonly PackedFile[]): string[] {
  const bad = (p: string) =>
    /^(test|tests|bench|examples|reports|coverage|scripts|\.ci|\.github)\//.test(p) ||
    /(^|\/)(fixtures?|__snapshots__)\//.test(p) ||
    (/\.test\.[cm]?[jt]s$/.test(p) && !/^dist\/conformance\/[a-z-]+\.test\.js$/.test(p)) || // the suites conform runs are product
    /(^|\/)(\.env[^/]*|\.npmrc|id_rsa[^/]*|[^/]+\.(pem|key|p12|pfx)|results\.json|junit\.xml|[^/]+\.cpuprofile|\.build-inputs)$/.test(p) ||
    (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) ||
    p.startsWith('src/') ||
    p === 'package-lock.json';
  return files.map((f) => f.path).filter(bad);
}

describe('the package npm would pack', () => {
  it('is the version the harness records in its results', () => {
    expect(HARNESS_VERSION).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('holds the CLI, the compiled entries, their declarations, the suites, schemas and k6 bundles', () => {
    const paths = new Set(packed.files.map((f) => f.path));
    for (const p of ['package.json', 'README.md', 'docs/api.md', 'bin/upload-harness.js', 'dist/src/cli.js', 'dist/src/cli/conform-help.js', 'dist/conformance/storage.test.js', 'dist/conformance/deviations.json', 'dist/schemas/reports/conformance-results.json', 'dist/k6/full-flow.js', 'dist/src/mock/storage/hash-worker.mjs'])
      expect(paths, p).toContain(p);
    for (const entry of ['index', 'mock', 'client', 'conformance']) {
      expect(paths).toContain(`dist/src/public/${entry}.js`);
      expect(paths).toContain(`dist/src/public/${entry}.d.ts`);
    }
  });

  it('holds no tests, reports, fixtures, sources or secrets', () => {
    expect(forbidden(packed.files)).toEqual([]);
    // the checker itself catches what it is for
    expect(forbidden([{ path: 'test/mock/x.test.ts', size: 1 }, { path: 'reports/conformance/results.json', size: 1 }, { path: 'dist/.env', size: 1 }, { path: 'test/fixtures/fake-k6', size: 1 }, { path: 'src/cli.ts', size: 1 }, { path: 'dist/.build-inputs', size: 1 }])).toHaveLength(6);
  });

  it('contains no private keys or real-looking credentials', () => {
    const text = packed.files.map((f) => readFileSync(join(ROOT, f.path), 'utf8')).join('\n');
    expect(text.length).toBeGreaterThan(packed.unpackedSize / 2); // every file was read
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(text).not.toMatch(/\bAKIA(?!MOCKHARNESS)[0-9A-Z]{16}\b/); // only the mock's documented test access key
    expect(text).not.toMatch(/\bnpm_[A-Za-z0-9]{36}\b/);
  });

  it('stays small, and the README states its size within 10 %', () => {
    console.log(`upload-harness package: ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${packed.files.length} files`);
    expect(packed.size).toBeLessThan(1024 * 1024);
    const stated = /tarball is about\s+(\d+) kB, ([\d.]+) MB unpacked/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(stated, 'README: "The packed tarball is about N kB, M MB unpacked"').not.toBeNull();
    expect(Math.abs(Number(stated![1]) * 1000 - packed.size) / packed.size).toBeLessThanOrEqual(0.1);
    expect(Math.abs(Number(stated![2]) * 1e6 - packed.unpackedSize) / packed.unpackedSize).toBeLessThanOrEqual(0.1);
  });
});
