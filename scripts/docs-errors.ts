// `npm run docs:errors`: rewrites docs/errors.md from the harness error registry (src/config/errors.ts);
// test/errors.test.ts fails while the committed page differs from what this writes.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/config/errors.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
