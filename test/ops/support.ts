// Helpers for the operations tests: an account with some state (services, a custom operator,
// attachments in a known order), and the admin API's bearer header.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestServer } from '../helpers/server.js';
import { catalogSid } from '../../src/catalog/sids.js';

export const ADMIN_TOKEN = 'admin-token-' + randomBytes(12).toString('hex');
export const METRICS_TOKEN = 'metrics-token-' + randomBytes(12).toString('hex');
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const JSON_BODY = { 'content-type': 'application/json' };

export const sentimentSid = catalogSid('LY', 'Sentiment Analysis');
export const summarizationSid = catalogSid('LY', 'Summarization');

export interface SeededState {
  serviceSids: string[];
  customOperatorSid: string;
}

type Auth = { username: string; password: string };

/** Two services and a custom operator; the first service has three attachments, in a known order. */
export async function seedAccount(server: TestServer, auth: Auth = server.auth, prefix = 'seed'): Promise<SeededState> {
  const tag = randomBytes(4).toString('hex');
  const first = await server.request('POST', '/v2/Services', {
    auth,
    form: {
      UniqueName: `${prefix}-a-${tag}`,
      FriendlyName: 'First',
      AutoRedaction: true,
      MediaRedaction: true,
      WebhookUrl: 'https://example.com/hook',
    },
  });
  assert.equal(first.status, 201, first.text);
  const second = await server.request('POST', '/v2/Services', { auth, form: { UniqueName: `${prefix}-b-${tag}`, LanguageCode: 'fr-FR' } });
  assert.equal(second.status, 201, second.text);
  const custom = await server.request('POST', '/v2/Operators/Custom', {
    auth,
    form: {
      FriendlyName: 'Refund requests',
      OperatorType: 'Generative',
      Config: JSON.stringify({ prompt: 'Did the customer ask for a refund?', examples: [{ input: 'refund please', output: 'yes' }] }),
    },
  });
  assert.equal(custom.status, 202, custom.text);
  for (const operatorSid of [summarizationSid, custom.body.sid, sentimentSid]) {
    const attached = await server.request('POST', `/v2/Services/${first.body.sid}/Operators/${operatorSid}`, { auth });
    assert.equal(attached.status, 202, attached.text);
  }
  const renamed = await server.request('POST', `/v2/Services/${second.body.sid}`, { auth, form: { FriendlyName: 'Second, renamed' } });
  assert.equal(renamed.status, 200, renamed.text);
  return { serviceSids: [first.body.sid, second.body.sid], customOperatorSid: custom.body.sid };
}

/** What the API shows of an account: every service and custom operator, and each service's attachments. */
export async function visibleState(server: TestServer, auth: Auth = server.auth) {
  const services = await server.request('GET', '/v2/Services?PageSize=1000', { auth });
  const operators = await server.request('GET', '/v2/Operators/Custom?PageSize=1000', { auth });
  assert.equal(services.status, 200, services.text);
  assert.equal(operators.status, 200, operators.text);
  const strip = (body: Record<string, unknown>) => {
    const { url: _url, ...rest } = body;
    return rest;
  };
  return {
    services: (services.body.services as Array<Record<string, unknown>>).map(strip),
    operators: (operators.body.operators as Array<Record<string, unknown>>).map(strip),
  };
}
