// k6 entry: the "full-flow" scenario (see scenarios/flows/flows.ts). Compiled by `upload-harness build`.
import { buildOptions, makeIteration, summaryOutputs } from './k6-runtime.ts';

export const options = buildOptions('full-flow');

export default makeIteration('full-flow');

export function handleSummary(data: unknown): Record<string, string> {
  return summaryOutputs(data);
}
