// Test-only control (registered only with enableTestControl): lets conformance runs in other processes
// move the clock and switch faults, so expiry is tested in milliseconds. No auth: loopback test use only.
import type { FastifyInstance } from 'fastify';
import { FaultSpecError } from '../faults.ts';
import { ClockRangeError, type MockClock } from '../clock.ts';
import type { MockState } from './state.ts';
import { controlErrors } from './errors.ts';

export interface ControlTarget {
  clock: MockClock;
  state: MockState;
  setFaults(specs: string[]): void;
}

const bad = (message: string) => ({ success: false, error: message });

export async function registerControl(app: FastifyInstance, target: ControlTarget): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, text, done) => {
      try {
        done(null, (text as string).trim() === '' ? {} : JSON.parse(text as string));
      } catch {
        done(Object.assign(new Error(controlErrors.invalidJson), { statusCode: 400 }), undefined);
      }
    });
    scope.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => reply.code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500).send(bad(err.message)));
    scope.post('/_control/clock', async (request, reply) => {
      const advanceMs = (request.body as { advanceMs?: unknown } | undefined)?.advanceMs;
      if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs)) return reply.code(400).send(bad(controlErrors.advanceMs));
      try {
        target.clock.advance(advanceMs);
      } catch (err) {
        if (err instanceof ClockRangeError) return reply.code(400).send(bad(err.message));
        throw err;
      }
      return { success: true, now: target.clock.now() };
    });
    scope.post('/_control/faults', async (request, reply) => {
      const faults = (request.body as { faults?: unknown } | undefined)?.faults;
      if (!Array.isArray(faults) || !faults.every((f) => typeof f === 'string')) return reply.code(400).send(bad(controlErrors.faults));
      try {
        target.setFaults(faults);
      } catch (err) {
        if (err instanceof FaultSpecError) return reply.code(400).send(bad(err.message));
        throw err;
      }
      return { success: true, faults };
    });
    scope.post('/_control/reset', async () => {
      target.clock.reset();
      target.setFaults([]);
      return { success: true };
    });
    scope.get('/_control/calls', async () => ({ calls: target.state.calls }));
  });
}
