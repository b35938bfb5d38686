// Shared helpers for the black-box HTTP tests: Twilio error checks, unique names and the few
// resources most tests need (a service, a custom operator, a catalog SID).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { catalogSid } from '../../src/catalog/sids.js';
import type { RequestOptions, TestResponse, TestServer } from '../helpers/server.js';
import { assertMatchesSpec, spec } from '../helpers/spec.js';

export type Auth = RequestOptions['auth'];

export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A name no other test uses: tests of a file share one server and must not collide. */
export const uniqueName = (prefix = 'test') => `${prefix}-${randomBytes(6).toString('hex')}`;

/** Waits for the clock to move on, so that the next resource is created strictly later (lists order by creation time). */
export async function pause(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) await nextTurn(); // the clock ticks within a millisecond
}

/** A well-formed SID that names nothing. */
export const randomSid = (prefix: string) => prefix + randomBytes(16).toString('hex');

/** The stable SID of a pre-built operator of the built-in catalog, by its friendly name. */
export const prebuiltSid = (friendlyName: string) => catalogSid('LY', friendlyName);
export const operatorTypeSid = (name: string) => catalogSid('EY', name);

/** Asserts a Twilio error body: status and code, more_info, status in the body, a message. */
export function assertTwilioError(response: TestResponse, status: number, code: number, message?: RegExp | string): void {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status}: ${response.text}`);
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(response.body.code, code, response.text);
  assert.equal(response.body.status, status);
  assert.equal(response.body.more_info, `https://www.twilio.com/docs/errors/${code}`);
  assert.equal(typeof response.body.message, 'string');
  assert.ok(!('type' in response.body) && !('title' in response.body), 'error bodies never carry type/title');
  if (typeof message === 'string') assert.equal(response.body.message, message);
  else if (message !== undefined) assert.match(response.body.message, message);
}

/** Asserts a successful status and the body against the spec's schema for the operation. */
export function assertOk(response: TestResponse, operationId: string, status: number): any {
  assert.equal(response.status, status, `${operationId}: expected ${status}, got ${response.status}: ${response.text}`);
  assertMatchesSpec(operationId, status, response.body);
  return response.body;
}

/** 204 with an empty body: a DELETE's answer, or a preflight's. */
export function assertNoContent(response: TestResponse): void {
  assert.equal(response.status, 204, `expected 204, got ${response.status}: ${response.text}`);
  assert.equal(response.text, '');
}

/** Every property of the spec's component schema is present in the body (null where unknown). */
export function assertEveryField(schemaName: string, body: Record<string, unknown>): void {
  const schema = spec.components.schemas[schemaName] as { properties: Record<string, unknown> };
  assert.deepEqual(Object.keys(body).sort(), Object.keys(schema.properties).sort());
}

export async function createService(server: TestServer, form: Record<string, string> = {}, auth?: Auth): Promise<any> {
  const response = await server.request('POST', '/v2/Services', { form: { UniqueName: uniqueName('svc'), ...form }, auth });
  return assertOk(response, 'CreateService', 201);
}

export async function fetchService(server: TestServer, sidOrName: string, auth?: Auth): Promise<any> {
  return assertOk(await server.request('GET', `/v2/Services/${encodeURIComponent(sidOrName)}`, { auth }), 'FetchService', 200);
}

/** A valid Config for each configurable operator type. */
export const validConfigs: Record<string, unknown> = {
  LiteralSpot: { phrase_sets: [{ name: 'refund', phrases: ['refund', 'money back'], match: 'exact' }] },
  LiteralClassification: { scope: 'conversation', classes: [{ name: 'billing', phrases: ['invoice'] }] },
  Generative: { prompt: 'Summarize the call' },
  GenerativeJSON: {
    prompt: 'Extract the order number',
    json_result_schema: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
  },
};

export async function createCustomOperator(
  server: TestServer,
  options: { operatorType?: string; config?: unknown; friendlyName?: string; auth?: Auth } = {},
): Promise<any> {
  const operatorType = options.operatorType ?? 'Generative';
  const response = await server.request('POST', '/v2/Operators/Custom', {
    form: {
      FriendlyName: options.friendlyName ?? uniqueName('op'),
      OperatorType: operatorType,
      Config: JSON.stringify(options.config ?? validConfigs[operatorType]),
    },
    auth: options.auth,
  });
  return assertOk(response, 'CreateCustomOperator', 202);
}

export async function attach(server: TestServer, serviceSid: string, operatorSid: string, auth?: Auth): Promise<any> {
  const response = await server.request('POST', `/v2/Services/${serviceSid}/Operators/${operatorSid}`, { auth });
  return assertOk(response, 'CreateOperatorAttachment', 202);
}

/** Follows `next_page_url` from `firstPath` to the last page; answers every page, first to last. */
export async function walkForward(server: TestServer, firstPath: string, operationId: string, auth?: Auth): Promise<any[]> {
  const pages = [assertOk(await server.request('GET', firstPath, { auth }), operationId, 200)];
  while (pages[pages.length - 1].meta.next_page_url !== null) {
    const next = pathOf(server, pages[pages.length - 1].meta.next_page_url);
    pages.push(assertOk(await server.request('GET', next, { auth }), operationId, 200));
    assert.ok(pages.length < 1000, 'paging does not end');
  }
  return pages;
}

/** Follows `previous_page_url` from `page` to the first page; answers the pages before it, first to last. */
export async function walkBack(server: TestServer, page: any, operationId: string, auth?: Auth): Promise<any[]> {
  const pages: any[] = [];
  let current = page;
  while (current.meta.previous_page_url !== null) {
    current = assertOk(await server.request('GET', pathOf(server, current.meta.previous_page_url), { auth }), operationId, 200);
    pages.unshift(current);
    assert.ok(pages.length < 1000, 'paging does not end');
  }
  return pages;
}

/** The path and query of an absolute URL, after checking that it points at this server. */
export function pathOf(server: TestServer, url: string): string {
  const parsed = new URL(url);
  assert.equal(parsed.origin, new URL(server.url).origin, `${url} does not point at this server`);
  return parsed.pathname + parsed.search;
}
