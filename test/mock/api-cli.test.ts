import { describe, expect, it } from 'vitest';
import { listFaults, mockOptionsFromArgs } from '../../src/cli/mock.ts';
import { UsageError } from '../../src/config/errors.ts';
import { FAULTS } from '../../src/mock/faults.ts';
import { startMockServer } from '../../src/mock/index.ts';
import { FULL_ACCESS } from '../support/auth.ts';

describe('mock command options', () => {
  it('parses flags', () => {
    const { options } = mockOptionsFromArgs(['--port', '0', '--upload-ttl', '2s', '--fault', 'latency=5', '--fault', 'no-auth-check', '--enable-test-control']);
    expect(options).toMatchObject({ port: 0, host: '127.0.0.1', uploadTtlMs: 2000, faults: ['latency=5', 'no-auth-check'], enableTestControl: true });
  });
  it.each([
    [['--port', 'x']],
    [['--port', '70000']],
    [['--upload-ttl', '10 minutes']],
    [['--fault', 'bogus']],
    [['--fault', 'random-5xx=2']],
    [['--keys', '/nonexistent/keys.json']],
    [['--bogus']],
  ])('rejects %j with a UsageError', (argv) => {
    expect(() => mockOptionsFromArgs(argv)).toThrow(UsageError);
  });
  it('lists every fault with its rule and source', () => {
    const text = listFaults();
    for (const f of FAULTS) expect(text).toContain(f.name);
    expect(text).toContain('source: ');
  });
});

describe('upload TTL and the clock', () => {
  it('an upload after the TTL (clock advanced) is refused by storage', async () => {
    const s = await startMockServer({ uploadTtlMs: 1000 });
    try {
      const res = await fetch(`${s.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: FULL_ACCESS }, body: JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'a', contentType: 'text/plain', contentLength: 1 }) });
      const h = ((await res.json()) as any).results;
      s.clock.advance(5000);
      const form = new FormData();
      for (const [k, v] of Object.entries(h.fields as Record<string, string>)) form.append(k, v);
      form.append('file', new Blob(['x'], { type: 'text/plain' }), 'a');
      const up = await fetch(h.url, { method: 'POST', body: form });
      expect(up.status).toBe(403);
      expect(await up.text()).toContain('expired');
    } finally {
      await s.close();
    }
  });
});
