// The option table every command declares once, and the "Options" block of --help rendered from it.
// The parser config and the flag > environment > default resolution come from the same table
// (src/cli/args.ts). No imports: a command's --help loads this and its own <name>-help.ts only.
//
// Table format: `{ 'option-name': OptionDef, … } as const satisfies OptionTable`, in help order.
//   type      'string' (takes a value) | 'boolean' (a switch)
//   multiple  true: repeatable, the value is a string[]
//   env       environment variable read when the flag is absent; shown as [NAME] in --help
//   default   value when neither flag nor variable is given; shown as (default …) in --help
//   value     placeholder after the name in --help (`--rate N`); string options only
//   help      one line (more lines with '\n'; they are indented under the first)
//   group     heading the option is listed under; options without one come first, unheaded
// A new option (or a new command) is one more entry: the parser accepts it and --help lists it.
interface OptionDef {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly env?: string;
  readonly default?: string | number;
  readonly value?: string;
  readonly help: string;
  readonly group?: string;
}

export type OptionTable = Readonly<Record<string, OptionDef>>;

/** Column where the help text starts (wider names and placeholders put the text on the next line). */
const HELP_COLUMN = 31;

function optionLine(name: string, def: OptionDef): string[] {
  const head = `  --${name}${def.type === 'string' && def.value ? ` ${def.value}` : ''}`;
  const tail = [def.default !== undefined ? `(default ${def.default})` : '', def.env ? `[${def.env}]` : ''].filter(Boolean).join(' ');
  const text = def.help.split('\n');
  text[text.length - 1] = [text[text.length - 1], tail].filter(Boolean).join(' ');
  const indent = ' '.repeat(HELP_COLUMN);
  const lines = head.length < HELP_COLUMN - 1 ? [head.padEnd(HELP_COLUMN) + text[0]] : [head, indent + text[0]];
  for (const more of text.slice(1)) lines.push(indent + more);
  return lines;
}

/** The "Options" block of --help: one entry per option, grouped under headings where given. */
export function optionsHelp(table: OptionTable): string {
  const lines: string[] = [];
  const named = [...new Set(Object.values(table).map((d) => d.group))].filter((g) => g !== undefined);
  const groups = [undefined, ...named];
  for (const group of groups) {
    if (group !== undefined) lines.push('', `${group}:`);
    for (const [name, def] of Object.entries(table)) if (def.group === group) lines.push(...optionLine(name, def));
  }
  return lines.join('\n');
}
