// What the package would ship, from `npm pack --dry-run` of the checkout (its `files` list applied to the
// dist/ that `npm ci` built): the CLI, the compiled entries and their declarations, the suites, schemas and
// k6 bundles; no tests, reports, fixtures, sources or secrets; the size the README states (the rules:
// test/support/package-contents.ts). The tarball itself, installed and used on each supported Node, is
// `npm run test:package` (test/package/installed.test.ts), which applies the same rules to it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCheckoutPack, ROOT } from '../scripts/pack-install.ts';
import { HARNESS_VERSION } from '../src/results/index.ts';
import { packageProblems } from './support/package-contents.ts';

const packed = listCheckoutPack();

describe('the package npm would pack', () => {
  it('is the version the harness records in its results', () => {
    expect(HARNESS_VERSION).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('holds what a user needs and nothing it must not (tests, reports, fixtures, sources, secrets); its size is the README\'s', () => {
    console.log(`upload-harness package: ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${packed.files.length} files`);
    const text = packed.files.map((f) => readFileSync(join(ROOT, f.path), 'utf8')).join('\n');
    expect(text.length).toBeGreaterThan(packed.unpackedSize / 2); // every file was read
    expect(packageProblems(packed, text)).toEqual([]);
  });

  it('the rules catch what they are for', () => {
    const files = ['test/mock/x.test.ts', 'reports/conformance/results.json', 'dist/.env', 'test/fixtures/fake-k6', 'src/cli.ts', 'dist/.build-inputs', 'dist/conformance/storage.test.js'].map((path) => ({ path, size: 1 }));
    const key = `AKIA${'Q'.repeat(16)}`;
    const problems = packageProblems({ size: 2 * 1024 * 1024, unpackedSize: 1, files }, `-----BEGIN RSA PRIVATE KEY-----\n${key}\nAKIAMOCKHARNESS0000`);
    expect(problems).toContain('missing bin/upload-harness.js');
    expect(problems.filter((p) => p.startsWith('must not ship'))).toEqual(files.slice(0, 6).map((f) => `must not ship ${f.path}`)); // the suites are product
    expect(problems).toContain('holds a private key');
    expect(problems).toContain('holds an AWS access key');
    expect(problems).not.toContain('holds an npm token');
    expect(problems).toContain('2048 kB packed: over 1 MiB');
    expect(problems.filter((p) => p.startsWith('README says'))).toHaveLength(2);
  });
});
