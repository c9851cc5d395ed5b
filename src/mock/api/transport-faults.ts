// The transport faults (latency, random-5xx) act on EVERY request, API and storage alike, so they
// hang on the root instance's onRequest hook.
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActiveFaults } from '../faults.ts';
import { errorXml, s3Errors } from '../storage/errors.ts';
import { toEnvelope } from './envelope.ts';
import { apiErrors } from './errors.ts';

export function registerTransportFaults(app: FastifyInstance, faults: () => ActiveFaults, bucket: string, random: () => number = Math.random): void {
  app.addHook('onRequest', async (request, reply) => {
    const active = faults();
    if (active.size === 0 || request.url.startsWith('/_control/')) return;
    const latency = active.get('latency');
    if (latency) await sleep(latency);
    const rate = active.get('random-5xx');
    if (rate !== undefined && random() < rate) {
      if (request.url.startsWith(`/${bucket}`)) {
        return reply.code(503).header('content-type', 'application/xml').send(errorXml(s3Errors.slowDown()));
      }
      return reply.code(503).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(toEnvelope(apiErrors.serviceUnavailable())));
    }
  });
}
