// A stub OpenAI-compatible chat completions server on a loopback port: it records every request and
// answers each from a queue of scripted replies (text, an HTTP error, or no answer at all).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply = { text: string } | { status: number; body: string } | { hang: true };

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
    temperature?: number;
  };
}

export interface ChatStub {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function completion(text: string, model: string) {
  return {
    id: 'chatcmpl-stub',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text } }],
  };
}

export async function startChatStub(replies: Reply[]): Promise<ChatStub> {
  const requests: RecordedRequest[] = [];
  const queue = [...replies];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
      requests.push({ path: request.url ?? '', authorization: request.headers.authorization, body });
      const reply = queue.shift() ?? { status: 500, body: '{"error":{"message":"the stub has no reply left"}}' };
      if ('hang' in reply) return;
      if ('status' in reply) {
        response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(reply.text, body.model)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
