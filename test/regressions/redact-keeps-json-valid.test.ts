// Regression: results.json of every full `conform` run was invalid JSON. The report writer runs
// redactText over the serialized JSON; a recorded response body holding a presigned download URL
// appears there as `...&sig=<hex>\"}}` and the `sig=` pattern swallowed the backslash of the escaped
// quote, leaving `sig=[redacted]"}}` (an unescaped quote inside a string). The value pattern now stops
// at a backslash.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactText } from '../../src/config/redact.ts';

describe('redactText on serialized JSON', () => {
  it.each(['sig', 'X-Amz-Signature', 'X-Amz-Credential', 'token'])('%s= inside an escaped JSON string keeps the JSON valid', (param) => {
    const url = `http://127.0.0.1:1/b/k.pdf?expires=1795924948454&${param}=abcdef0123456789`;
    const doc = { responseBody: JSON.stringify({ success: true, results: { url } }), url };
    const text = redactText(JSON.stringify(doc, null, 2));
    const parsed = JSON.parse(text);
    expect(text).not.toContain('abcdef0123456789');
    expect(parsed.url).toContain(`${param}=${REDACTED}`);
    expect(JSON.parse(parsed.responseBody).results.url).toContain(`${param}=${REDACTED}`);
  });
});
