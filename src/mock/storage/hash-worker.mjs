// Worker side of off-thread-hash.ts. Plain JS on purpose: it needs no TypeScript, so it starts without
// tsx's loader (execArgv: []) under tsx, vitest or plain node alike.
// Messages in:  { op: 'update', req, stream, algorithm, data }  → { req, data }      (data is transferred
//                                                                   in and back, so the caller reuses it)
//               { op: 'digest', req, stream, algorithm }        → { req, digest }    (hex; stream ends)
//               { op: 'drop', stream }                          → nothing            (stream ends)
// Any failure answers { req, error } instead; the worker itself keeps serving other streams.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** stream id → running hash. A stream's first update creates it, so a stream that never reached the
 * worker costs nothing. */
const hashes = new Map();

function hashOf(message) {
  let hash = hashes.get(message.stream);
  if (hash === undefined) {
    hash = createHash(message.algorithm);
    hashes.set(message.stream, hash);
  }
  return hash;
}

parentPort.on('message', (message) => {
  try {
    if (message.op === 'update') {
      const { data } = message;
      hashOf(message).update(data);
      parentPort.postMessage({ req: message.req, data }, [data.buffer]);
    } else if (message.op === 'digest') {
      const digest = hashOf(message).digest('hex');
      hashes.delete(message.stream);
      parentPort.postMessage({ req: message.req, digest });
    } else if (message.op === 'drop') {
      hashes.delete(message.stream);
    }
  } catch (error) {
    hashes.delete(message.stream);
    if (message.req !== undefined) parentPort.postMessage({ req: message.req, error: String(error?.message ?? error) });
  }
});
