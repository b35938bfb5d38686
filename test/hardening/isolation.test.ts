// Tenant isolation: with another account's credentials (its auth token or an API key of it), every
// read, list, update, delete and attach of this account's rows answers exactly like a SID that does
// not exist (404), lists never show another account's rows, and the owner's data stays as it was.
// The routes come from the server itself, so a new /v2 route without a case here fails the test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTranscript, sentences, storeMedia, storeSentences } from '../transcripts/http-support.js';
import { createFixture, generativeConfig, type Fixture } from './fixture.js';
import { assertError } from './support.js';

type Auth = { username: string; password: string };

let server: TestServer;
let owner: Fixture;
let ownerKey: Auth;
let intruders: Array<[string, Auth]>;
let intruderService: string;
let intruderOperator: string;
/** The owner's transcript, with sentences, media and an operator result, as the job would leave it. */
let transcriptSid: string;

before(async () => {
  server = await startTestServer();
  owner = await createFixture(server);
  const key = await server.newApiKey(server.account.sid);
  ownerKey = { username: key.sid, password: key.secret };
  const other = await server.newAccount();
  const otherKey = await server.newApiKey(other.account.sid);
  intruders = [
    ['auth token', other.auth],
    ['API key', { username: otherKey.sid, password: otherKey.secret }],
  ];
  intruderService = (await server.request('POST', '/v2/Services', { form: { UniqueName: 'intruder-own' }, auth: other.auth })).body.sid;
  intruderOperator = (
    await server.request('POST', '/v2/Operators/Custom', {
      form: { FriendlyName: 'Intruder', OperatorType: 'Generative', Config: JSON.stringify(generativeConfig) },
      auth: other.auth,
    })
  ).body.sid;
  transcriptSid = (await createTranscript(server, owner.serviceSid)).sid as string;
  await storeSentences(server, transcriptSid, sentences(3, false));
  await storeMedia(server, transcriptSid, { bytes: Buffer.from('WEBVTT\n'), name: 'media.vtt', contentType: 'text/vtt' });
  const result = { operator_type: 'conversation-classify', predicted_label: 'positive' };
  const stored = {
    transcriptSid,
    operatorSid: owner.prebuiltSid,
    name: 'Sentiment Analysis',
    position: 0,
    resultJson: JSON.stringify(result),
    redactedResultJson: null,
    dateCreatedMs: Date.now(),
  };
  assert.equal(await server.store.replaceOperatorResults(transcriptSid, [stored], Date.now()), true);
  assert.equal(await server.store.completeTranscript(transcriptSid, Date.now()), true);
});
after(() => server.close());

/** Every (method, path template) under /v2 that the server registered, from its route tree. */
function registeredRoutes(app: TestServer['app']): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (\S+) \(([^)]*)\)/.exec(line);
    if (match === null) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2];
    stack.push(path);
    if (!path.startsWith('/v2/')) continue;
    for (const method of match[3]!.split(', ')) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.add(`${method} ${path.replace(/\/:[^/]+/g, '/:param')}`);
    }
  }
  return routes;
}

/** The owner's rows as the owner sees them. */
async function ownerView() {
  const get = async (path: string) => (await server.request('GET', path)).text;
  return {
    service: await get(`/v2/Services/${owner.serviceSid}`),
    attachments: await get(`/v2/Services/${owner.serviceSid}/Operators`),
    operator: await get(`/v2/Operators/Custom/${owner.customOperatorSid}`),
    services: await get('/v2/Services'),
    operators: await get('/v2/Operators/Custom'),
    transcript: await get(`/v2/Transcripts/${transcriptSid}`),
    transcripts: await get('/v2/Transcripts'),
    sentences: await get(`/v2/Transcripts/${transcriptSid}/Sentences`),
    results: await get(`/v2/Transcripts/${transcriptSid}/OperatorResults`),
  };
}

async function notFound(method: string, path: string, auth: Auth, form?: Record<string, string>) {
  const response = await server.request(method, path, { auth, form });
  assertError(response, 404, 20404, `${method} ${path}`);
  // Word for word what a SID that never existed gets: nothing tells the rows apart.
  assert.equal(response.body.message, `The requested resource ${path} was not found`);
}

const idsIn = (text: string, key: string) => JSON.parse(text)[key] as Array<{ sid: string; account_sid: string }>;

/** One case per route: what the intruder tries against the owner's rows, and what it must see. */
const cases: Record<string, (auth: Auth) => Promise<void>> = {
  'GET /v2/Services': async (auth) => {
    const mine = idsIn((await server.request('GET', '/v2/Services?PageSize=1000', { auth })).text, 'services');
    assert.ok(mine.length > 0 && mine.every((row) => row.account_sid !== owner.accountSid && row.sid !== owner.serviceSid));
    const forged = 'PT' + Buffer.from(`a.0.${owner.serviceSid}`).toString('base64url');
    const paged = idsIn((await server.request('GET', `/v2/Services?PageToken=${forged}`, { auth })).text, 'services');
    assert.ok(
      paged.every((row) => row.account_sid !== owner.accountSid),
      'a cursor naming the owner’s row shows no owner rows',
    );
  },
  'POST /v2/Services': async (auth) => {
    // The owner's UniqueName is free in another account: a 409 would leak that it exists.
    const created = await server.request('POST', '/v2/Services', { auth, form: { UniqueName: owner.serviceUniqueName } });
    assert.equal(created.status, 201, created.text);
    assert.notEqual(created.body.account_sid, owner.accountSid);
    assert.equal((await server.request('GET', `/v2/Services/${owner.serviceUniqueName}`, { auth })).body.sid, created.body.sid);
    assert.equal((await server.request('DELETE', `/v2/Services/${created.body.sid}`, { auth })).status, 204);
  },
  'GET /v2/Services/:param': async (auth) => {
    await notFound('GET', `/v2/Services/${owner.serviceSid}`, auth);
    await notFound('GET', `/v2/Services/${owner.serviceUniqueName}`, auth);
  },
  'POST /v2/Services/:param': async (auth) => {
    await notFound('POST', `/v2/Services/${owner.serviceSid}`, auth, { FriendlyName: 'taken over' });
    await notFound('POST', `/v2/Services/${owner.serviceUniqueName}`, auth, { FriendlyName: 'taken over' });
  },
  'DELETE /v2/Services/:param': async (auth) => {
    await notFound('DELETE', `/v2/Services/${owner.serviceSid}`, auth);
    await notFound('DELETE', `/v2/Services/${owner.serviceUniqueName}`, auth);
  },
  'GET /v2/Services/:param/Operators': async (auth) => {
    await notFound('GET', `/v2/Services/${owner.serviceSid}/Operators`, auth);
  },
  'POST /v2/Services/:param/Operators/:param': async (auth) => {
    await notFound('POST', `/v2/Services/${intruderService}/Operators/${owner.customOperatorSid}`, auth);
    await notFound('POST', `/v2/Services/${owner.serviceSid}/Operators/${owner.prebuiltSid}`, auth);
    await notFound('POST', `/v2/Services/${owner.serviceSid}/Operators/${intruderOperator}`, auth);
    await notFound('POST', `/v2/Services/${owner.serviceSid}/Operators/${owner.customOperatorSid}`, auth);
  },
  'DELETE /v2/Services/:param/Operators/:param': async (auth) => {
    await notFound('DELETE', `/v2/Services/${owner.serviceSid}/Operators/${owner.customOperatorSid}`, auth);
    await notFound('DELETE', `/v2/Services/${owner.serviceSid}/Operators/${owner.prebuiltSid}`, auth);
  },
  'GET /v2/Operators': async (auth) => {
    const listed = idsIn((await server.request('GET', '/v2/Operators?PageSize=1000', { auth })).text, 'operators');
    assert.ok(
      listed.some((row) => row.sid === intruderOperator),
      'the intruder sees its own operator',
    );
    assert.ok(listed.every((row) => row.sid !== owner.customOperatorSid && row.account_sid !== owner.accountSid));
  },
  'GET /v2/Operators/:param': async (auth) => {
    await notFound('GET', `/v2/Operators/${owner.customOperatorSid}`, auth);
  },
  'GET /v2/Operators/Custom': async (auth) => {
    const listed = idsIn((await server.request('GET', '/v2/Operators/Custom?PageSize=1000', { auth })).text, 'operators');
    assert.deepEqual(
      listed.map((row) => row.sid),
      [intruderOperator],
    );
  },
  'POST /v2/Operators/Custom': async (auth) => {
    const form = { FriendlyName: 'Copy', OperatorType: 'Generative', Config: JSON.stringify(generativeConfig) };
    const created = await server.request('POST', '/v2/Operators/Custom', { auth, form });
    assert.equal(created.status, 202, created.text);
    const ownerList = await server.request('GET', '/v2/Operators/Custom?PageSize=1000');
    assert.ok(
      idsIn(ownerList.text, 'operators').every((row) => row.sid !== created.body.sid),
      'the owner never sees it',
    );
    assert.equal((await server.request('DELETE', `/v2/Operators/Custom/${created.body.sid}`, { auth })).status, 204);
  },
  'GET /v2/Operators/Custom/:param': async (auth) => {
    await notFound('GET', `/v2/Operators/Custom/${owner.customOperatorSid}`, auth);
  },
  'POST /v2/Operators/Custom/:param': async (auth) => {
    await notFound('POST', `/v2/Operators/Custom/${owner.customOperatorSid}`, auth, {
      FriendlyName: 'x',
      Config: JSON.stringify(generativeConfig),
    });
  },
  'DELETE /v2/Operators/Custom/:param': async (auth) => {
    await notFound('DELETE', `/v2/Operators/Custom/${owner.customOperatorSid}`, auth);
  },
  'GET /v2/Operators/PreBuilt': async (auth) => {
    const listed = await server.request('GET', '/v2/Operators/PreBuilt?PageSize=1000', { auth });
    assert.ok(idsIn(listed.text, 'operators').every((row) => row.sid !== owner.customOperatorSid && row.account_sid === null));
  },
  'GET /v2/Operators/PreBuilt/:param': async (auth) => {
    await notFound('GET', `/v2/Operators/PreBuilt/${owner.customOperatorSid}`, auth);
  },
  'GET /v2/OperatorTypes': async (auth) => {
    const listed = await server.request('GET', '/v2/OperatorTypes?PageSize=1000', { auth });
    assert.equal(listed.status, 200);
    assert.ok(!listed.text.includes(owner.accountSid) && !listed.text.includes(owner.customOperatorSid));
  },
  'GET /v2/OperatorTypes/:param': async (auth) => {
    await notFound('GET', `/v2/OperatorTypes/${owner.customOperatorSid}`, auth);
  },
  'GET /v2/Transcripts': async (auth) => {
    const listed = idsIn((await server.request('GET', '/v2/Transcripts?PageSize=1000', { auth })).text, 'transcripts');
    assert.ok(listed.every((row) => row.sid !== transcriptSid && row.account_sid !== owner.accountSid));
    const filtered = await server.request('GET', `/v2/Transcripts?ServiceSid=${owner.serviceSid}`, { auth });
    assert.deepEqual(idsIn(filtered.text, 'transcripts'), []);
  },
  'POST /v2/Transcripts': async (auth) => {
    // The owner's service is not the intruder's: exactly like a service that does not exist.
    const created = await server.request('POST', '/v2/Transcripts', {
      auth,
      form: { ServiceSid: owner.serviceSid, Channel: JSON.stringify({ media_properties: { media_url: 'https://example.com/a.wav' } }) },
    });
    assertError(created, 404, 20404, 'POST /v2/Transcripts naming the owner’s service');
  },
  'GET /v2/Transcripts/:param': async (auth) => {
    await notFound('GET', `/v2/Transcripts/${transcriptSid}`, auth);
  },
  'DELETE /v2/Transcripts/:param': async (auth) => {
    await notFound('DELETE', `/v2/Transcripts/${transcriptSid}`, auth);
  },
  'GET /v2/Transcripts/:param/Sentences': async (auth) => {
    await notFound('GET', `/v2/Transcripts/${transcriptSid}/Sentences`, auth);
  },
  'GET /v2/Transcripts/:param/Sentences/Encrypted': async (auth) => {
    await notFound('GET', `/v2/Transcripts/${transcriptSid}/Sentences/Encrypted`, auth);
  },
  'GET /v2/Transcripts/:param/Media': async (auth) => {
    await notFound('GET', `/v2/Transcripts/${transcriptSid}/Media`, auth);
  },
  'GET /v2/Transcripts/:param/OperatorResults': async (auth) => {
    await notFound('GET', `/v2/Transcripts/${transcriptSid}/OperatorResults`, auth);
  },
  'GET /v2/Transcripts/:param/OperatorResults/:param': async (auth) => {
    await notFound('GET', `/v2/Transcripts/${transcriptSid}/OperatorResults/${owner.prebuiltSid}`, auth);
  },
  'GET /v2/Transcripts/:param/OperatorResults/Encrypted': async (auth) => {
    await notFound('GET', `/v2/Transcripts/${transcriptSid}/OperatorResults/Encrypted`, auth);
  },
};

describe('tenant isolation', () => {
  test('every /v2 route the server registers has an isolation case', async () => {
    const routes = registeredRoutes(server.app);
    assert.ok(routes.size >= 20, `the route tree was not understood: ${[...routes].join(', ')}`);
    const implemented: string[] = [];
    for (const route of routes) {
      const [method = '', template = ''] = route.split(' ');
      // Authenticated routes are the real ones; the 405 fillers answer without credentials.
      const response = await server.request(method, template.replaceAll(':param', 'x'), { auth: null });
      if (response.status === 401) implemented.push(route);
      else assert.equal(response.status, 405, `${route} answered ${response.status} without credentials`);
    }
    assert.deepEqual(implemented.sort(), Object.keys(cases).sort());
  });

  test('the API keys used here are valid for their own account', async () => {
    assert.equal((await server.request('GET', `/v2/Services/${owner.serviceSid}`, { auth: ownerKey })).status, 200);
    for (const [, auth] of intruders) {
      assert.equal((await server.request('GET', `/v2/Services/${intruderService}`, { auth })).status, 200);
    }
  });

  for (const route of Object.keys(cases)) {
    test(`${route} with another account's credentials never reaches the owner's rows`, async () => {
      const before = await ownerView();
      for (const [, auth] of intruders) await cases[route]!(auth);
      assert.deepEqual(await ownerView(), before);
    });
  }

  test("the owner's lists never show the other account's rows", async () => {
    const services = idsIn((await server.request('GET', '/v2/Services?PageSize=1000', { auth: ownerKey })).text, 'services');
    assert.deepEqual(
      services.map((row) => row.sid),
      [owner.serviceSid],
    );
    const operators = idsIn((await server.request('GET', '/v2/Operators?PageSize=1000')).text, 'operators');
    assert.ok(operators.every((row) => row.sid !== intruderOperator));
  });
});
