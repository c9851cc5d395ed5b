// Public surface of src/protocol: pure code, no I/O, no Node built-ins; runs in Node and in k6.
export * from './constants.ts';
export * from './auth.ts';
export * from './utf8.ts';
export * from './requests.ts';
export * from './multipart.ts';
export * from './responses.ts';
