// Handle tokens (src/mock/api/handle-codec.ts): round trip, and every kind of tampering is refused.
import { describe, expect, it } from 'vitest';
import { HandleCodec } from '../../src/mock/api/handle-codec.ts';

describe('HandleCodec', () => {
  const codec = new HandleCodec();
  const token = codec.seal('FileUpload', 'id-123');

  it('opens what it sealed, for the same type only', () => {
    expect(codec.open('FileUpload', token)).toBe('id-123');
    expect(codec.open('StoredFile', token)).toBeUndefined();
  });

  it('refuses a changed tag, a changed payload, a truncated or extended token', () => {
    const [payload, tag] = token.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (let i = 0; i < tag.length; i++) expect(codec.open('FileUpload', `${payload}.${flip(tag, i)}`)).toBeUndefined();
    for (let i = 0; i < payload.length; i++) expect(codec.open('FileUpload', `${flip(payload, i)}.${tag}`)).toBeUndefined();
    expect(codec.open('FileUpload', `${payload}.${tag.slice(0, -1)}`)).toBeUndefined();
    expect(codec.open('FileUpload', `${payload}.${tag}A`)).toBeUndefined();
    expect(codec.open('FileUpload', `${payload}AAAA.${tag}`)).toBeUndefined();
    expect(codec.open('FileUpload', payload)).toBeUndefined();
  });

  it('refuses a forged payload and tokens of another codec (another mock process)', () => {
    const forged = Buffer.from(JSON.stringify({ t: 'FileUpload', id: 'someone-else' })).toString('base64url');
    expect(codec.open('FileUpload', `${forged}.${token.split('.')[1]}`)).toBeUndefined();
    expect(new HandleCodec().open('FileUpload', token)).toBeUndefined();
  });

  it('gives distinct tokens for distinct ids', () => {
    const tokens = new Set(Array.from({ length: 1000 }, (_, i) => codec.seal('FileUpload', `id-${i}`)));
    expect(tokens.size).toBe(1000);
  });
});
