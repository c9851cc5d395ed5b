// `upload-harness build`: compiles the k6 entries (scenarios/k6/*.ts) into dist/k6/*.js.
import type { Command } from '../cli.ts';
import { HELP, OPTIONS } from './build-help.ts';
import { EXIT } from '../config/errors.ts';
import { buildK6Bundles } from '../load/build.ts';
import { parseCommandArgs } from './args.ts';



export const command: Command = {
  help: HELP, options: OPTIONS,
  async run(argv) {
    const { values } = parseCommandArgs('build', argv, OPTIONS);
    const out = await buildK6Bundles({ outDir: values['out-dir'] });
    for (const file of Object.values(out)) console.log(file);
    return EXIT.ok;
  },
};
