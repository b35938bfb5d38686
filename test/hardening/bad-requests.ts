// Hostile and malformed requests aimed at the resources (SIDs, bodies, parameters, Config, paging):
// each names what it sends and the Twilio error it must get. Built from the fixture's real SIDs, so
// a "near miss" is one character away from a real row. HTTP-level cases are in bad-protocol.ts.
import { generativeConfig, type Fixture } from './fixture.js';

export interface BadRequest {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  /** Defaults to the form content type when there is a body; null sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Send no credentials. */
  anonymous?: true;
  /** A whole request as bytes, for what node:http refuses to send; `{auth}` is replaced. */
  raw?: string;
  status: number;
  code: number;
}

export const NOT_FOUND = { status: 404, code: 20404 };
export const INVALID = { status: 400, code: 20422 };
export const NOT_ALLOWED = { status: 405, code: 20004 };
const TOO_LARGE = { status: 413, code: 20413 };

export const form = (fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) params.append(name, item);
  return params.toString();
};
const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const lookalikes: Record<string, string> = { A: '\u0410', E: '\u0415', Y: '\u04ae', G: '\u0262', L: '\u029f' };
const otherPrefix: Record<string, string> = { GA: 'LY', LY: 'GA', EY: 'LY' };

/** Near misses of a real SID: each is refused as "not found", never matched loosely. */
function badSids(real: string): Array<[string, string]> {
  const prefix = real.slice(0, 2);
  const hex = real.slice(2);
  return [
    ['lower-case prefix', prefix.toLowerCase() + hex],
    ['upper-case hex digits', prefix + hex.toUpperCase()],
    ['33 characters', real.slice(0, 33)],
    ['35 characters', real + 'a'],
    ['a wrong prefix', otherPrefix[prefix] + hex],
    ['non-hex digits', prefix + 'g'.repeat(32)],
    ['a Cyrillic look-alike prefix', encodeURIComponent([...prefix].map((c) => lookalikes[c] ?? c).join('')) + hex],
    ['a fullwidth prefix', encodeURIComponent(String.fromCodePoint(...[...prefix].map((c) => c.charCodeAt(0) + 0xfee0))) + hex],
    ['an encoded slash', `${prefix}${hex.slice(0, 16)}%2F${hex.slice(16)}`],
    ['a dot-dot segment', '..'],
    ['an encoded traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['a NUL byte appended', real + '%00'],
    ['only a NUL byte', '%00'],
    ['a broken percent-escape', real + '%G1'],
    ['invalid UTF-8', `${prefix}%FF%FE${hex.slice(2)}`],
    ['an SQL injection', encodeURIComponent(`${real}' OR '1'='1`)],
    ['an SQL LIKE wildcard', `${prefix}%25`],
    ['a trailing space', real + '%20'],
    ['a leading space', '%20' + real],
    ['an encoded CR LF header', `${real}%0D%0ASet-Cookie:%20x=1`],
    ['5,000 characters', prefix + 'a'.repeat(5000)],
  ];
}

function malformedSids(f: Fixture): BadRequest[] {
  const updateService = form({ FriendlyName: 'changed' });
  const updateOperator = form({ FriendlyName: 'changed', Config: JSON.stringify(generativeConfig) });
  const slots: Array<{ real: string; method: string; path: (sid: string) => string; body?: string }> = [
    { real: f.serviceSid, method: 'GET', path: (sid) => `/v2/Services/${sid}` },
    { real: f.serviceSid, method: 'POST', path: (sid) => `/v2/Services/${sid}`, body: updateService },
    { real: f.serviceSid, method: 'DELETE', path: (sid) => `/v2/Services/${sid}` },
    { real: f.serviceSid, method: 'GET', path: (sid) => `/v2/Services/${sid}/Operators` },
    { real: f.serviceSid, method: 'POST', path: (sid) => `/v2/Services/${sid}/Operators/${f.prebuiltSid}` },
    { real: f.serviceSid, method: 'DELETE', path: (sid) => `/v2/Services/${sid}/Operators/${f.prebuiltSid}` },
    { real: f.customOperatorSid, method: 'POST', path: (sid) => `/v2/Services/${f.serviceSid}/Operators/${sid}` },
    { real: f.customOperatorSid, method: 'DELETE', path: (sid) => `/v2/Services/${f.serviceSid}/Operators/${sid}` },
    { real: f.customOperatorSid, method: 'GET', path: (sid) => `/v2/Operators/${sid}` },
    { real: f.prebuiltSid, method: 'GET', path: (sid) => `/v2/Operators/PreBuilt/${sid}` },
    { real: f.customOperatorSid, method: 'GET', path: (sid) => `/v2/Operators/Custom/${sid}` },
    { real: f.customOperatorSid, method: 'POST', path: (sid) => `/v2/Operators/Custom/${sid}`, body: updateOperator },
    { real: f.customOperatorSid, method: 'DELETE', path: (sid) => `/v2/Operators/Custom/${sid}` },
    { real: f.operatorTypeSid, method: 'GET', path: (sid) => `/v2/OperatorTypes/${sid}` },
  ];
  return slots.flatMap((slot) =>
    badSids(slot.real).map(([label, sid]) => ({
      name: `${slot.method} ${slot.path('{sid}')} with ${label}`,
      method: slot.method,
      path: slot.path(sid),
      body: slot.body,
      ...NOT_FOUND,
    })),
  );
}

function oversizedBodies(f: Fixture): BadRequest[] {
  const big = form({ FriendlyName: 'x'.repeat(1024 * 1024) });
  const posts = [
    '/v2/Services',
    `/v2/Services/${f.serviceSid}`,
    '/v2/Operators/Custom',
    `/v2/Operators/Custom/${f.customOperatorSid}`,
    `/v2/Services/${f.serviceSid}/Operators/${f.prebuiltSid}`,
  ];
  const chunk = 'a'.repeat(64 * 1024);
  const chunked = `${(chunk.length + 13).toString(16)}\r\nFriendlyName=${chunk}\r\n`.repeat(20) + '0\r\n\r\n';
  return [
    ...posts.map((path) => ({ name: `POST ${path} with a body over 1 MiB`, method: 'POST', path, body: big, ...TOO_LARGE })),
    {
      name: 'a chunked body that grows past 1 MiB',
      method: 'POST',
      path: '/v2/Services',
      raw: `POST /v2/Services HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`,
      ...TOO_LARGE,
    },
    {
      name: 'a Content-Length of 10 GB',
      method: 'POST',
      path: '/v2/Services',
      raw: 'POST /v2/Services HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000000\r\n\r\nUniqueName=x',
      ...TOO_LARGE,
    },
    {
      name: 'an oversized body without credentials is refused before it is read',
      method: 'POST',
      path: '/v2/Services',
      body: big,
      anonymous: true,
      status: 401,
      code: 20003,
    },
  ];
}

function duplicateParameters(f: Fixture): BadRequest[] {
  const service = {
    UniqueName: 'dup-check',
    FriendlyName: 'f',
    LanguageCode: 'en-US',
    AutoTranscribe: 'true',
    DataLogging: 'true',
    AutoRedaction: 'true',
    MediaRedaction: 'true',
    WebhookUrl: 'https://example.com/hook',
    WebhookHttpMethod: 'POST',
  };
  const operator = { FriendlyName: 'f', OperatorType: 'Generative', Config: JSON.stringify(generativeConfig) };
  const twice = (fields: Record<string, string>, name: string) => form({ ...fields, [name]: [fields[name] ?? '', fields[name] ?? ''] });
  const cases: BadRequest[] = [];
  for (const name of Object.keys(service)) {
    cases.push({ name: `create service with ${name} twice`, method: 'POST', path: '/v2/Services', body: twice(service, name), ...INVALID });
  }
  for (const name of ['UniqueName', 'FriendlyName', 'AutoTranscribe', 'WebhookUrl']) {
    cases.push({
      name: `update service with ${name} twice`,
      method: 'POST',
      path: `/v2/Services/${f.serviceSid}`,
      body: twice({ ...service, UniqueName: 'renamed' }, name),
      ...INVALID,
    });
  }
  for (const name of Object.keys(operator)) {
    cases.push({
      name: `create custom operator with ${name} twice`,
      method: 'POST',
      path: '/v2/Operators/Custom',
      body: twice(operator, name),
      ...INVALID,
    });
  }
  for (const name of ['FriendlyName', 'Config']) {
    cases.push({
      name: `update custom operator with ${name} twice`,
      method: 'POST',
      path: `/v2/Operators/Custom/${f.customOperatorSid}`,
      body: twice(operator, name),
      ...INVALID,
    });
  }
  const queries: Array<[string, string]> = [
    ['/v2/Services', 'PageSize=5&PageSize=5'],
    ['/v2/Services', 'Page=0&Page=0'],
    ['/v2/Services', `PageToken=${f.pageToken}&PageToken=${f.pageToken}`],
    ['/v2/Operators', 'Availability=public&Availability=public'],
    ['/v2/Operators/PreBuilt', 'LanguageCode=en-US&LanguageCode=en-US'],
    ['/v2/OperatorTypes', 'LanguageCode=en-US&LanguageCode=fr-FR'],
  ];
  for (const [path, query] of queries) cases.push({ name: `GET ${path}?${query}`, method: 'GET', path: `${path}?${query}`, ...INVALID });
  return cases;
}

function invalidBooleans(f: Fixture): BadRequest[] {
  const values = ['yes', '1', '0', '', ' true', 'truee', 'null'];
  const cases: BadRequest[] = [];
  for (const name of ['AutoTranscribe', 'DataLogging', 'AutoRedaction', 'MediaRedaction']) {
    for (const value of values) {
      cases.push({
        name: `create service with ${name}=${JSON.stringify(value)}`,
        method: 'POST',
        path: '/v2/Services',
        body: form({ UniqueName: 'bool-check', [name]: value }),
        ...INVALID,
      });
    }
  }
  for (const value of ['on', 'FALSE!']) {
    cases.push({
      name: `update service with AutoTranscribe=${value}`,
      method: 'POST',
      path: `/v2/Services/${f.serviceSid}`,
      body: form({ AutoTranscribe: value }),
      ...INVALID,
    });
  }
  return cases;
}

function invalidConfigs(f: Fixture): BadRequest[] {
  const configs: Array<[string, string, string?]> = [
    ['an unterminated object', '{'],
    ['an empty text', ''],
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"Summarize"'],
    ['a number', '42'],
    ['a missing value', '{"prompt":}'],
    ['single quotes', "{'prompt':'x'}"],
    ['a trailing comma', '{"prompt":"x",}'],
    ['NaN', '{"prompt":NaN}'],
    ['two objects', '{"prompt":"x"}{"prompt":"y"}'],
    ['arrays nested 100,000 deep', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['objects nested 10,000 deep', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['examples nested 5,000 deep', `{"prompt":"x","examples":[{"input":"a","output":${'['.repeat(5000)}${']'.repeat(5000)}}]}`],
    ['300 KiB of JSON', JSON.stringify({ prompt: 'x'.repeat(300 * 1024) })],
    ['a prompt over 4,000 characters', JSON.stringify({ prompt: 'x'.repeat(4001) })],
    ['a __proto__ key', '{"prompt":"x","__proto__":{"polluted":true}}'],
    ['a constructor.prototype key', '{"prompt":"x","constructor":{"prototype":{"polluted":true}}}'],
    ['an unknown property', '{"prompt":"x","temperature":2}'],
    ['a config for a type that is not configurable', JSON.stringify(generativeConfig), 'Sentiment'],
    ['an unknown operator type', JSON.stringify(generativeConfig), 'NoSuchType'],
  ];
  const cases: BadRequest[] = configs.map(([label, config, type]) => ({
    name: `create custom operator with Config ${label}`,
    method: 'POST',
    path: '/v2/Operators/Custom',
    body: form({ FriendlyName: 'bad-config', OperatorType: type ?? 'Generative', Config: config }),
    ...INVALID,
  }));
  for (const [label, config] of configs.slice(0, 4)) {
    cases.push({
      name: `update custom operator with Config ${label}`,
      method: 'POST',
      path: `/v2/Operators/Custom/${f.customOperatorSid}`,
      body: form({ FriendlyName: 'x', Config: config }),
      ...INVALID,
    });
  }
  return cases;
}

function schemaBombs(): BadRequest[] {
  const nest = (depth: number) => {
    let schema: object = { type: 'string' };
    for (let level = 0; level < depth; level++) schema = { type: 'object', properties: { a: schema } };
    return schema;
  };
  const properties = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`p${index}`, { type: 'string' }]));
  const arrays = (depth: number) => {
    let schema: object = { type: 'string' };
    for (let level = 0; level < depth; level++) schema = { type: 'array', items: schema };
    return { type: 'object', properties: { a: schema } };
  };
  const bombs: Array<[string, unknown]> = [
    ['6 levels deep', nest(6)],
    ['50 levels deep', nest(50)],
    ['101 properties', { type: 'object', properties: properties(101) }],
    ['20,000 properties', { type: 'object', properties: properties(20_000) }],
    ['a recursive $ref', { type: 'object', properties: { a: { $ref: '#' } } }],
    ['a $ref root', { $ref: '#' }],
    ['a remote $ref', { type: 'object', properties: { a: { $ref: 'http://127.0.0.1:9/schema.json' } } }],
    ['a catastrophic regex pattern', { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } }],
    [
      '1,000 allOf/anyOf branches',
      { type: 'object', allOf: Array.from({ length: 1000 }, () => ({ anyOf: [{ type: 'object' }, { type: 'object' }] })) },
    ],
    [
      'a chain of 1,000 definitions',
      {
        type: 'object',
        definitions: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`d${i}`, { $ref: `#/definitions/d${i + 1}` }])),
      },
    ],
    ['arrays 500 deep', arrays(500)],
    ['an array root', { type: 'array', items: { type: 'string' } }],
    [
      'an enum of 101 values',
      { type: 'object', properties: { a: { type: 'string', enum: Array.from({ length: 101 }, (_, i) => `v${i}`) } } },
    ],
    [
      'a required list of 50,000 names',
      { type: 'object', properties: { a: { type: 'string' } }, required: Array.from({ length: 50_000 }, (_, i) => `r${i}`) },
    ],
  ];
  return bombs.map(([label, schema]) => ({
    name: `create GenerativeJSON operator with json_result_schema ${label}`,
    method: 'POST',
    path: '/v2/Operators/Custom',
    body: form({
      FriendlyName: 'bomb',
      OperatorType: 'GenerativeJSON',
      Config: JSON.stringify({ prompt: 'x', json_result_schema: schema }),
    }),
    ...INVALID,
  }));
}

function absurdPaging(f: Fixture): BadRequest[] {
  const token = f.pageToken;
  const sid = f.serviceSid;
  const queries: Array<[string, string]> = [
    ...['0', '-1', '1001', '1e3', '99999999999999999999', 'abc', '', '1.5', '0x10', '%201'].map((value): [string, string] => [
      `PageSize=${value}`,
      `PageSize=${value}`,
    ]),
    ...['-1', 'abc', '10000000000', '1e99', ''].map((value): [string, string] => [`Page=${value}`, `Page=${value}`]),
    ...(
      [
        ['garbage', 'garbage'],
        ['only its prefix', 'PT'],
        ['an unknown direction', 'PT' + base64url(`c.1.${sid}`)],
        ['a 35-character SID', 'PT' + base64url(`a.1.${sid}x`)],
        ['a 16-digit time', 'PT' + base64url(`a.${'9'.repeat(16)}.${sid}`)],
        ['base64 padding', 'PT' + base64url(`a.1.${sid}`) + '%3D%3D'],
        ['300 characters', 'PT' + 'x'.repeat(300)],
        ['a real token truncated', token.slice(0, -5)],
        ['a real token with a lower-case prefix', 'pt' + token.slice(2)],
        ['a real token with a NUL', token + '%00'],
        ['non-ASCII', 'PT%C3%A9'],
      ] as Array<[string, string]>
    ).map(([label, value]): [string, string] => [`PageToken with ${label}`, `PageToken=${value}`]),
    ['a broken percent-escape', 'PageSize=%ZZ'],
    ['invalid UTF-8 in a name', '%FF=1'],
  ];
  const lists = ['/v2/Services', '/v2/Operators', '/v2/Operators/PreBuilt', '/v2/Operators/Custom', '/v2/OperatorTypes'];
  return lists.flatMap((path) =>
    queries.map(([label, query]) => ({ name: `GET ${path} with ${label}`, method: 'GET', path: `${path}?${query}`, ...INVALID })),
  );
}

/** Requests aimed at the resources: SIDs, bodies, parameters, Config and paging. */
export function resourceRequests(f: Fixture): BadRequest[] {
  return [
    ...malformedSids(f),
    ...oversizedBodies(f),
    ...duplicateParameters(f),
    ...invalidBooleans(f),
    ...invalidConfigs(f),
    ...schemaBombs(),
    ...absurdPaging(f),
  ];
}
