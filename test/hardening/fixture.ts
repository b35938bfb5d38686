// The rows the hostile requests aim at: one service with a pre-built and a custom operator attached.
import assert from 'node:assert/strict';
import { catalogSid } from '../../src/catalog/sids.js';
import type { TestServer } from '../helpers/server.js';

export const generativeConfig = { prompt: 'Summarize the call' };

export interface Fixture {
  accountSid: string;
  serviceSid: string;
  serviceUniqueName: string;
  customOperatorSid: string;
  prebuiltSid: string;
  operatorTypeSid: string;
  /** A PageToken this server issued (from a list of pre-built operators). */
  pageToken: string;
}

export async function createFixture(server: TestServer): Promise<Fixture> {
  const serviceUniqueName = 'hardening-target';
  const service = await server.request('POST', '/v2/Services', { form: { UniqueName: serviceUniqueName } });
  assert.equal(service.status, 201, service.text);
  const operator = await server.request('POST', '/v2/Operators/Custom', {
    form: { FriendlyName: 'Target', OperatorType: 'Generative', Config: JSON.stringify(generativeConfig) },
  });
  assert.equal(operator.status, 202, operator.text);
  const prebuiltSid = catalogSid('LY', 'Sentiment Analysis');
  for (const operatorSid of [prebuiltSid, operator.body.sid]) {
    const attached = await server.request('POST', `/v2/Services/${service.body.sid}/Operators/${operatorSid}`);
    assert.equal(attached.status, 202, attached.text);
  }
  const page = await server.request('GET', '/v2/Operators/PreBuilt?PageSize=1');
  const pageToken = new URL(page.body.meta.next_page_url).searchParams.get('PageToken');
  assert.ok(pageToken, 'a list of pre-built operators has a next page');
  return {
    accountSid: server.account.sid,
    serviceSid: service.body.sid,
    serviceUniqueName,
    customOperatorSid: operator.body.sid,
    prebuiltSid,
    operatorTypeSid: catalogSid('EY', 'Generative'),
    pageToken,
  };
}
