// `npm run docs:decisions`: rewrites the index in docs/decisions/README.md from the decision files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECISIONS_DIR, INDEX_END, INDEX_START, renderDecisionIndex } from './decisions-index.ts';

const file = join(DECISIONS_DIR, 'README.md');
const text = readFileSync(file, 'utf8');
const start = text.indexOf(INDEX_START);
const end = text.indexOf(INDEX_END);
if (start === -1 || end < start) throw new Error(`${file}: the index markers are missing`);
writeFileSync(file, `${text.slice(0, start + INDEX_START.length)}\n${renderDecisionIndex()}\n${text.slice(end)}`);
