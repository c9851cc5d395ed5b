// The bench table (terminal and docs/performance.md use the same Markdown rendering).
import type { Row } from './benches.ts';

function fmt(value: number, unit: Row['unit']): string {
  switch (unit) {
    case 'x':
      return `${value.toFixed(2)}×`;
    case 'ms':
      return `${value} ms`;
    case 'MiB':
      return `${value} MiB`;
    case 's':
      return `${value.toFixed(1)} s`;
    case 'it/s':
      return `${value} it/s`;
    case 'ref':
      return 'reference';
  }
}

export function renderTable(rows: readonly Row[]): string {
  const lines = ['| benchmark | measured | target | result |', '|---|---|---|---|'];
  for (const r of rows) {
    const target = r.target ? `${{ '>=': '≥', '<=': '≤', '<': '<' }[r.target.op]} ${fmt(r.target.value, r.unit)}` : 'report';
    const result = r.skipped ? `SKIPPED (${r.skipped})` : r.pass === undefined ? '—' : r.pass ? 'PASS' : 'MISS';
    lines.push(`| ${r.name} | ${r.skipped ? '—' : (r.display ?? fmt(r.value, r.unit))} | ${target} | ${result} |`);
  }
  return lines.join('\n');
}
