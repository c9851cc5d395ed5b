// objectKey has a fast path for filenames that are already safe; it must give exactly what the
// reduction gives (the reference below is the reduction alone).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { objectKey } from '../../src/mock/api/upload-handle.ts';

function reference(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 128);
  return `uploads/org/id/${safe || 'file'}`;
}

describe('objectKey', () => {
  it.each(['resume.pdf', '.hidden', '..', '../../etc/passwd', 'a\\b.txt', 'a b\r\n.pdf', '', 'x'.repeat(128), 'x'.repeat(129), '-_.', 'ünï.pdf'])('%j', (name) => {
    expect(objectKey('org', 'id', name)).toBe(reference(name));
  });

  it('equals the reduction for arbitrary names', () => {
    const chars = fc.constantFrom(...'aZ09._-/\\ \u0000\n"ü'.split(''));
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(chars, { maxLength: 140 }).map((a) => a.join(''))), (name) => objectKey('org', 'id', name) === reference(name)), { numRuns: 2000 });
  });
});
