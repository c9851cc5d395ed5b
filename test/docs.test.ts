// The README is the five-minute page: at most 200 lines, the two set-up commands, the command list of the
// registry, and links that work where the README is read — a file the package ships (so it is there in
// node_modules/upload-harness too) or a file of the repository by its URL. The generated fault table
// lives in docs/mock.md and equals the one rendered from src/mock/faults.ts (the check table is kept in
// step by test/conformance-catalogue.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../src/cli.ts';
import { FAULT_TABLE_END, FAULT_TABLE_START, renderFaultTable } from '../src/mock/faults.ts';
import { listCheckoutPack } from '../scripts/pack-install.ts';

const ROOT = join(import.meta.dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The repository's address, a placeholder until it is published (docs/decisions/0176-readme-links.md). */
const REPO_URL = 'https://github.com/OWNER/upload-harness';
/** npm puts these in every tarball, whatever `files` says. */
const ALWAYS_PACKED = ['README.md', 'package.json', 'LICENSE'];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
const anchors = (markdown: string) => new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
const withoutCode = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** Every link of `markdown` (a file at the root) that does not resolve, with why. */
function brokenLinks(markdown: string, shipped: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [, target] of withoutCode(markdown).matchAll(/\]\(([^)\s]+)\)/g)) {
    const [path, anchor] = target!.split('#') as [string, string | undefined];
    if (/^https?:/.test(path)) {
      const inRepo = new RegExp(`^${REPO_URL}/(?:blob|tree)/main/(.+)$`).exec(path);
      if (!inRepo) out.push(`${target}: not a file of the package nor of the repository (${REPO_URL})`);
      else if (!existsSync(join(ROOT, inRepo[1]!))) out.push(`${target}: no such file in the repository`);
      continue;
    }
    const text = path === '' ? markdown : existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : undefined;
    if (text === undefined) out.push(`${target}: no such file`);
    else if (path !== '' && !shipped.has(path)) out.push(`${target}: not in the package (package.json "files")`);
    else if (anchor !== undefined && !anchors(text).has(anchor)) out.push(`${target}: no heading #${anchor}`);
  }
  return out;
}

describe('README', () => {
  it('is read in five minutes: at most 200 lines', () => {
    expect(readme.split('\n').length - 1).toBeLessThanOrEqual(200);
  });

  it('holds exactly the two set-up commands', () => {
    const setup = readme.slice(readme.indexOf('## Set-up'), readme.indexOf('## Commands'));
    const commands = [...setup.matchAll(/^(npm ci && npm \w+)/gm)].map((m) => m[1]);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('lists exactly the commands of the CLI registry', () => {
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('\n## ', readme.indexOf('## Commands') + 1));
    const listed = [...table.matchAll(/^\| `upload-harness ([\w-]+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(COMMAND_NAMES);
  });

  it('links only files the package ships, files of the repository by its URL, and headings that exist', () => {
    const shipped = new Set([...listCheckoutPack().files.map((f) => f.path), ...ALWAYS_PACKED]);
    expect([...withoutCode(readme).matchAll(/\]\(/g)].length).toBeGreaterThan(10);
    expect(brokenLinks(readme, shipped)).toEqual([]);
  });

  it('the link check finds a missing file, an unshipped file, a missing heading and a foreign URL', () => {
    const shipped = new Set(['docs/load.md']);
    const text = '# Title\n[a](docs/nope.md) [b](docs/load.md) [c](docs/architecture.md) [d](docs/load.md#no-such-heading) [e](#title) [f](#nowhere) [g](https://example.com/x) [h](https://github.com/OWNER/upload-harness/blob/main/nope.ts) [i](https://github.com/OWNER/upload-harness/blob/main/action.yml)\n```sh\n[j](not-checked-in-code.md)\n```\n';
    expect(brokenLinks(text, shipped)).toEqual([
      'docs/nope.md: no such file',
      'docs/architecture.md: not in the package (package.json "files")',
      'docs/load.md#no-such-heading: no heading #no-such-heading',
      '#nowhere: no heading #nowhere',
      'https://example.com/x: not a file of the package nor of the repository (https://github.com/OWNER/upload-harness)',
      'https://github.com/OWNER/upload-harness/blob/main/nope.ts: no such file in the repository',
    ]);
  });
});

describe('docs/mock.md', () => {
  it('lists exactly the fault modes of the registry', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'mock.md'), 'utf8');
    const start = doc.indexOf(FAULT_TABLE_START);
    const end = doc.indexOf(FAULT_TABLE_END);
    expect(start, 'fault table markers missing').toBeGreaterThan(-1);
    expect(doc.slice(start + FAULT_TABLE_START.length, end).trim()).toBe(renderFaultTable());
  });
});
