// The reference: the fastest answer Node gives — a bare node:http server sending a fixed 202 JSON
// body, or (with `fastify` as argv[2]) the same fixed answer from one bare Fastify route.
// BODY_BYTES makes the body that long.
// PORT and HOST from the environment; prints "listening" once it accepts connections.
import { createServer } from 'node:http';
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const fixed = {
  service_sid: 'GA00000000000000000000000000000000',
  operator_sid: 'LY00000000000000000000000000000000',
  url: 'http://127.0.0.1/v2/Services/GA00000000000000000000000000000000/Operators/LY00000000000000000000000000000000',
};
// BODY_BYTES pads the body to that size (the same size as a list page), to show what the wire allows.
const bodyBytes = Number(process.env.BODY_BYTES ?? 0);
const unpadded = JSON.stringify(fixed);
const body = bodyBytes > unpadded.length ? JSON.stringify({ ...fixed, padding: 'x'.repeat(bodyBytes - unpadded.length - 14) }) : unpadded;

if (process.argv[2] === 'fastify') {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  app.all('/*', async (_request, reply) => reply.code(202).header('content-type', 'application/json').send(body));
  await app.listen({ port, host });
} else {
  const length = String(Buffer.byteLength(body));
  const headers = { 'content-type': 'application/json', 'content-length': length };
  const server = createServer((_request, response) => {
    response.writeHead(202, headers);
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
}
process.stdout.write('listening\n');
process.once('SIGTERM', () => process.exit(0));
