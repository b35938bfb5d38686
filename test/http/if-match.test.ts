// Optimistic concurrency on services and custom operators: ETag is the version, If-Match names it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestResponse, type TestServer } from '../helpers/server.js';
import { assertOk, assertTwilioError, createCustomOperator, createService } from './support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** One resource kind as the If-Match tests see it: create it, update it, read it back. */
interface Resource {
  kind: string;
  updateOperation: string;
  updateStatus: number;
  create(): Promise<{ path: string; version: number }>;
  form(label: string): Record<string, string>;
  fetch(path: string): Promise<any>;
}

const resources: Resource[] = [
  {
    kind: 'service',
    updateOperation: 'UpdateService',
    updateStatus: 200,
    async create() {
      const service = await createService(server);
      return { path: `/v2/Services/${service.sid}`, version: service.version };
    },
    form: (label) => ({ FriendlyName: label }),
    fetch: async (path) => assertOk(await server.request('GET', path), 'FetchService', 200),
  },
  {
    kind: 'custom operator',
    updateOperation: 'UpdateCustomOperator',
    updateStatus: 202,
    async create() {
      const operator = await createCustomOperator(server);
      return { path: `/v2/Operators/Custom/${operator.sid}`, version: operator.version };
    },
    form: (label) => ({ FriendlyName: label, Config: JSON.stringify({ prompt: `Prompt ${label}` }) }),
    fetch: async (path) => assertOk(await server.request('GET', path), 'FetchCustomOperator', 200),
  },
];

for (const resource of resources) {
  const { kind, updateOperation, updateStatus } = resource;

  const update = (path: string, label: string, ifMatch?: string): Promise<TestResponse> =>
    server.request('POST', path, { form: resource.form(label), headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });

  /** A fresh resource brought to version 3 by two unconditional updates. */
  async function atVersion3(): Promise<string> {
    const { path } = await resource.create();
    for (const label of ['v2', 'v3']) assertOk(await update(path, label), updateOperation, updateStatus);
    assert.equal((await resource.fetch(path)).version, 3);
    return path;
  }

  describe(`${kind}`, () => {
    for (const ifMatch of ['"3"', '3', 'W/"3"', '"2", "3"']) {
      test(`an update of a ${kind} with If-Match ${ifMatch} naming the version applies`, async () => {
        const path = await atVersion3();
        const response = await update(path, 'matched', ifMatch);
        const body = assertOk(response, updateOperation, updateStatus);
        assert.equal(body.version, 4);
        assert.equal(body.friendly_name, 'matched');
        assert.equal(response.headers.get('etag'), '"4"');
      });
    }

    for (const ifMatch of ['"2"', '2', '"4"', 'abc', '"three"', '"3', '*x', '-3', '"1", "2"', ',']) {
      test(`an update of a ${kind} with If-Match ${ifMatch} answers 412 20412 and changes nothing`, async () => {
        const path = await atVersion3();
        const before = await resource.fetch(path);
        assertTwilioError(await update(path, 'refused', ifMatch), 412, 20412);
        assert.deepEqual(await resource.fetch(path), before);
      });
    }

    test(`an update of a ${kind} with If-Match * applies (any current version matches)`, async () => {
      const path = await atVersion3();
      assert.equal(assertOk(await update(path, 'star', '*'), updateOperation, updateStatus).version, 4);
    });

    test(`an update of a ${kind} without If-Match applies unconditionally`, async () => {
      const path = await atVersion3();
      const body = assertOk(await update(path, 'unconditional'), updateOperation, updateStatus);
      assert.equal(body.version, 4);
    });

    test(`the ETag of a fetched ${kind} is its quoted version and works as If-Match`, async () => {
      const path = await atVersion3();
      const fetched = await server.request('GET', path);
      assert.equal(fetched.headers.get('etag'), '"3"');
      assertOk(await update(path, 'from etag', fetched.headers.get('etag')!), updateOperation, updateStatus);
      assertTwilioError(await update(path, 'stale etag', fetched.headers.get('etag')!), 412, 20412);
    });

    test(`20 parallel updates of a ${kind} with the same If-Match: exactly one applies, 19 answer 412`, async () => {
      const { path, version } = await resource.create();
      const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => update(path, `racer ${index}`, `"${version}"`)));
      const winners = responses.filter((response) => response.status === updateStatus);
      assert.equal(winners.length, 1, responses.map((response) => response.status).join(' '));
      assertOk(winners[0]!, updateOperation, updateStatus);
      for (const response of responses.filter((candidate) => candidate !== winners[0])) assertTwilioError(response, 412, 20412);
      const final = await resource.fetch(path);
      assert.equal(final.version, version + 1);
      assert.equal(final.friendly_name, winners[0]!.body.friendly_name);
    });

    test(`20 parallel unconditional updates of a ${kind} all apply, each counted once`, async () => {
      const { path, version } = await resource.create();
      const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => update(path, `writer ${index}`)));
      for (const response of responses) assertOk(response, updateOperation, updateStatus);
      const versions = responses.map((response) => response.body.version).sort((a, b) => a - b);
      assert.deepEqual(
        versions,
        Array.from({ length: 20 }, (_, index) => version + 1 + index),
      );
      assert.equal((await resource.fetch(path)).version, version + 20);
    });
  });
}

test('If-Match on a service update that names no known parameter is still checked', async () => {
  const service = await createService(server);
  assertTwilioError(
    await server.request('POST', `/v2/Services/${service.sid}`, { form: { Colour: 'blue' }, headers: { 'if-match': '"7"' } }),
    412,
    20412,
  );
  const applied = await server.request('POST', `/v2/Services/${service.sid}`, { form: { Colour: 'blue' }, headers: { 'if-match': '"1"' } });
  assert.equal(assertOk(applied, 'UpdateService', 200).version, 1);
});

test('If-Match on a service that does not exist answers 404, not 412', async () => {
  const response = await server.request('POST', '/v2/Services/no-such-service', {
    form: { FriendlyName: 'x' },
    headers: { 'if-match': '"1"' },
  });
  assertTwilioError(response, 404, 20404);
});
