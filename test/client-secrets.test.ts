// A run's SecretSet redacts every secret it has been given, in every form, in whatever it records —
// including secrets added after its earlier redactions (the forms it computed once are not stale), and
// redactText never reuses the forms of an array that can still change.
import { describe, expect, it } from 'vitest';
import { SecretSet } from '../src/client/exchange.ts';
import { REDACTED, redactText } from '../src/config/redact.ts';

const basic = (key: string) => Buffer.from(`${key}:`).toString('base64').replace(/=+$/, '');

describe('secret redaction', () => {
  it('a SecretSet redacts secrets added after a redaction, in every form', () => {
    const set = new SecretSet();
    set.add('first-key-1234');
    expect(set.redact('k=first-key-1234')).toBe(`k=${REDACTED}`);
    set.add('second+secret/==');
    for (const text of ['second+secret/==', encodeURIComponent('second+secret/=='), basic('second+secret/==')]) {
      expect(set.redact(`x ${text} y`)).toBe(`x ${REDACTED} y`);
    }
    expect(set.redact('first-key-1234 and second+secret/==')).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('an array that can still change is read again on every call', () => {
    const secrets = ['alpha-secret'];
    expect(redactText('alpha-secret beta-secret', secrets)).toBe(`${REDACTED} beta-secret`);
    secrets.push('beta-secret');
    expect(redactText('alpha-secret beta-secret', secrets)).toBe(`${REDACTED} ${REDACTED}`);
  });
});
