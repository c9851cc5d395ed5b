// The JSON body rules both API paths share: an empty (or all-blank) body counts as `{}`, anything
// JSON.parse refuses is `invalid_input` "Request payload is malformed: invalid JSON" (decision 0002).
import { apiErrors } from './errors.ts';

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw apiErrors.malformedJson();
  }
}

/** The success answer's bytes, `{success:true, results}`. */
export const successJson = (results: unknown): string => JSON.stringify({ success: true, results });
