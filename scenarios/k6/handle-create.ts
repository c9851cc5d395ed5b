// k6 entry: the "handle-create" scenario (see scenarios/flows/flows.ts). Compiled by `upload-harness build`.
import { buildOptions, makeIteration, summaryOutputs } from './k6-runtime.ts';

export const options = buildOptions('handle-create');

export default makeIteration('handle-create');

export function handleSummary(data: unknown): Record<string, string> {
  return summaryOutputs(data);
}
