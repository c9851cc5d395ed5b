// s3rver (an S3 emulator users pick for local tests; also what serverless-s3-local runs) on loopback,
// for bench/peers.ts. argv: <directory> <bucket>. Prints one JSON line {port} when listening.
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => void server.close().finally(() => process.exit(0)));
