// k6 entry: the "upload" scenario (see scenarios/flows/flows.ts). Compiled by `upload-harness build`.
import { buildOptions, makeIteration, summaryOutputs } from './k6-runtime.ts';

export const options = buildOptions('upload');

export default makeIteration('upload');

export function handleSummary(data: unknown): Record<string, string> {
  return summaryOutputs(data);
}
