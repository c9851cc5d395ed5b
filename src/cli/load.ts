import type { Command } from '../cli.ts';
import { HarnessError } from '../config/errors.ts';

// Placeholder until the command lands; it refuses clearly instead of pretending to work.
export const command: Command = {
  summary: '(not built yet)',
  help: 'upload-harness load: not built yet',
  async run() {
    throw new HarnessError('not-implemented', 'the load command is not built yet');
  },
};
