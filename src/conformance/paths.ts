// Where the repository's own files are, independent of the working directory the CLI runs from.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITE_DIR = join(REPO_ROOT, 'conformance');
