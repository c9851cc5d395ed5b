import { base64Encode, utf8Encode } from './utf8.ts';

/** HTTP Basic with the API key as user name and an empty password (docs/sources.md, "Ashby docs: introduction"). */
export function basicAuthHeader(apiKey: string): string {
  return `Basic ${base64Encode(utf8Encode(`${apiKey}:`))}`;
}
