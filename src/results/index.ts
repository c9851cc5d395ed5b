// Public surface of the results layer: the models producers write and renderers read (conformance,
// load), the recorded exchange they carry, and the HDR histogram codec of load results. This layer
// imports nothing of the harness above it (see docs/architecture.md).
export * from './behaviour.ts';
export * from './conformance.ts';
export * from './exchange.ts';
export * from './harness.ts';
export * from './histogram.ts';
export * from './load.ts';
