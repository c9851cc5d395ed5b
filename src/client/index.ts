// Public surface of the undici client: API calls, storage uploads/downloads, recorded exchanges.
export * from './errors.ts';
export * from './exchange.ts';
export * from './http.ts';
export * from './api-client.ts';
export * from './storage-client.ts';
export * from './dispatcher.ts';
export * from './preflight.ts';
