// The transport faults (latency, random-5xx) act on EVERY request, API and storage alike, so they
// hang on the root instance's onRequest hook.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
// node:timers' own setTimeout, not the global one: a test's fake clock must not hold a latency fault's answers.
import { setTimeout } from 'node:timers';
import type { ActiveFaults } from '../faults.ts';
import { errorXml, s3Errors } from '../storage/errors.ts';
import { toEnvelope } from './envelope.ts';
import { apiErrors } from './errors.ts';

export function registerTransportFaults(app: FastifyInstance, faults: () => ActiveFaults, bucket: string, random: () => number = Math.random): void {
  /** `random-5xx`: answers 503 itself (and ends the lifecycle), or lets the request go on. */
  const maybeFail = (active: ActiveFaults, request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const rate = active.get('random-5xx');
    if (rate === undefined || random() >= rate) return done();
    if (request.url.startsWith(`/${bucket}`)) {
      reply.code(503).header('content-type', 'application/xml').send(errorXml(s3Errors.slowDown()));
    } else {
      reply.code(503).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(toEnvelope(apiErrors.serviceUnavailable())));
    }
  };
  // Callback-style (no async function): every request of the mock passes this hook, and an async hook
  // costs a promise and a microtask per request even when no fault is active.
  app.addHook('onRequest', (request, reply, done) => {
    const active = faults();
    if (active.size === 0 || request.url.startsWith('/_control/')) return done();
    const latency = active.get('latency');
    if (latency) setTimeout(() => maybeFail(active, request, reply, done), latency);
    else maybeFail(active, request, reply, done);
  });
}
