// Public surface of the engine-neutral flows (shared by the k6 entries and the node engine).
export * from './transport.ts';
export * from './mix.ts';
export * from './payloads.ts';
export * from './flows.ts';
export * from './k6-env.ts';
export * from './workload.ts';
