import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertMatchesSpec } from '../helpers/spec.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('a created service can be fetched by its unique name and matches the spec', async () => {
  const created = await server.request('POST', '/v2/Services', { form: { UniqueName: 'smoke', FriendlyName: 'Smoke' } });
  assert.equal(created.status, 201);
  assertMatchesSpec('CreateService', 201, created.body);
  const fetched = await server.request('GET', '/v2/Services/smoke');
  assert.equal(fetched.status, 200);
  assertMatchesSpec('FetchService', 200, fetched.body);
  assert.equal(fetched.body.sid, created.body.sid);
});
