// results.json of any kind: the model as it is (conformance checks are already in catalogue order and
// carry schemaVersion), two-space indented with a final newline so files diff well.

export function renderResultsJson(results: object): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}
