import { base64Encode, utf8Encode } from './utf8.ts';

/** HTTP Basic with the API key as user name and an empty password (DOC D1, D2). */
export function basicAuthHeader(apiKey: string): string {
  return `Basic ${base64Encode(utf8Encode(`${apiKey}:`))}`;
}
