// Issue 28, item 5: one account could create services and custom operators until the disk was full
// (a 503 for every account). The per-account quotas hold when an account races creates on two
// servers over one database (the same SQLite file, or the same PostgreSQL schema). The quotas'
// other rules (per account, deleting makes room, the SDK's view) are in test/http/quotas.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertTwilioError, uniqueName, validConfigs, type Auth } from '../http/support.js';

const MAX_SERVICES = 3;
const MAX_CUSTOM_OPERATORS = 2;
const RACERS = 40;

let server: TestServer;
let twin: TestServer;
before(async () => {
  const env = { MAX_SERVICES_PER_ACCOUNT: String(MAX_SERVICES), MAX_CUSTOM_OPERATORS_PER_ACCOUNT: String(MAX_CUSTOM_OPERATORS) };
  server = await startTestServer({ env });
  twin = await startTestServer({ env, directory: server.directory });
});
after(async () => {
  await twin.close();
  await server.close();
});

const resources = {
  services: {
    create: (target: TestServer, auth: Auth) => target.request('POST', '/v2/Services', { auth, form: { UniqueName: uniqueName('race') } }),
    created: 201,
    limit: MAX_SERVICES,
    code: 21102,
    list: '/v2/Services?PageSize=1000',
  },
  operators: {
    create: (target: TestServer, auth: Auth) =>
      target.request('POST', '/v2/Operators/Custom', {
        auth,
        form: { FriendlyName: 'Race', OperatorType: 'Generative', Config: JSON.stringify(validConfigs.Generative) },
      }),
    created: 202,
    limit: MAX_CUSTOM_OPERATORS,
    code: 59200,
    list: '/v2/Operators/Custom?PageSize=1000',
  },
};

for (const [name, resource] of Object.entries(resources)) {
  test(`${RACERS} racing creates of ${name} on two servers over one database stop at the quota`, async () => {
    const { auth } = await server.newAccount();
    const answers = await Promise.all(Array.from({ length: RACERS }, (_, i) => resource.create(i % 2 === 0 ? server : twin, auth)));
    const statuses = answers.map((answer) => answer.status);
    assert.equal(statuses.filter((status) => status === resource.created).length, resource.limit, statuses.join());
    for (const answer of answers.filter((response) => response.status !== resource.created)) assertTwilioError(answer, 400, resource.code);
    const listed = await server.request('GET', resource.list, { auth });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.body[name].length, resource.limit);
  });
}
