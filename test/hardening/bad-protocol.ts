// Hostile requests at the HTTP level: wrong content types and encodings, methods a path does not
// have, paths that do not exist, and bytes that are not valid HTTP (injected headers, smuggling).
import type { BadRequest } from './bad-requests.js';
import { form, INVALID, NOT_ALLOWED, NOT_FOUND } from './bad-requests.js';
import { generativeConfig, type Fixture } from './fixture.js';

function wrongContentTypes(f: Fixture): BadRequest[] {
  const body = form({ UniqueName: 'ct-check' });
  const types: Array<[string | null, string]> = [
    ['application/json', '{"UniqueName":"ct-check"}'],
    ['text/plain', body],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="UniqueName"\r\n\r\nct-check\r\n--x--\r\n`],
    ['application/xml', '<UniqueName>ct-check</UniqueName>'],
    [null, body],
    ['application/x-www-form-urlencodedx', body],
    ['x-www-form-urlencoded', body],
  ];
  const cases: BadRequest[] = types.map(([type, text]) => ({
    name: `create service with Content-Type ${type ?? '(none)'}`,
    method: 'POST',
    path: '/v2/Services',
    body: text,
    contentType: type,
    ...INVALID,
  }));
  const encodings: Array<[string, string | Buffer]> = [
    ['a broken percent-escape', 'UniqueName=%ZZ'],
    ['raw invalid UTF-8', Buffer.concat([Buffer.from('UniqueName='), Buffer.from([0xff, 0xfe])])],
    ['an encoded NUL', 'UniqueName=a%00b'],
    ['an overlong UTF-8 slash', 'UniqueName=%C0%AF'],
  ];
  for (const [label, text] of encodings) {
    cases.push({ name: `create service with ${label} in the body`, method: 'POST', path: '/v2/Services', body: text, ...INVALID });
  }
  cases.push({
    name: 'update service with a JSON body',
    method: 'POST',
    path: `/v2/Services/${f.serviceSid}`,
    body: '{"FriendlyName":"x"}',
    contentType: 'application/json',
    ...INVALID,
  });
  cases.push({
    name: 'create custom operator with a JSON body',
    method: 'POST',
    path: '/v2/Operators/Custom',
    body: JSON.stringify({ FriendlyName: 'x', OperatorType: 'Generative', Config: generativeConfig }),
    contentType: 'application/json',
    ...INVALID,
  });
  return cases;
}

function unknownMethods(f: Fixture): BadRequest[] {
  const paths = [
    '/v2/Services',
    `/v2/Services/${f.serviceSid}`,
    `/v2/Services/${f.serviceSid}/Operators`,
    `/v2/Services/${f.serviceSid}/Operators/${f.prebuiltSid}`,
    '/v2/Operators',
    '/v2/Operators/PreBuilt',
    `/v2/Operators/PreBuilt/${f.prebuiltSid}`,
    '/v2/Operators/Custom',
    `/v2/Operators/Custom/${f.customOperatorSid}`,
    '/v2/OperatorTypes',
    `/v2/OperatorTypes/${f.operatorTypeSid}`,
  ];
  const cases: BadRequest[] = paths.flatMap((path) =>
    ['PUT', 'PATCH', 'PROPFIND'].map((method) => ({ name: `${method} ${path}`, method, path, ...NOT_ALLOWED })),
  );
  const missing: Array<[string, string]> = [
    ['DELETE', '/v2/Services'],
    ['POST', '/v2/Operators'],
    ['DELETE', '/v2/Operators/Custom'],
    ['POST', `/v2/Operators/PreBuilt/${f.prebuiltSid}`],
    ['DELETE', `/v2/Operators/PreBuilt/${f.prebuiltSid}`],
    ['POST', `/v2/OperatorTypes/${f.operatorTypeSid}`],
    ['GET', `/v2/Services/${f.serviceSid}/Operators/${f.prebuiltSid}`],
    ['POST', `/v2/Services/${f.serviceSid}/Operators`],
    ['TRACE', '/v2/Services'],
    ['LOCK', `/v2/Operators/Custom/${f.customOperatorSid}`],
  ];
  for (const [method, path] of missing) cases.push({ name: `${method} ${path}`, method, path, ...NOT_ALLOWED });
  cases.push({ name: 'QUERY /v2/Services with a form body', method: 'QUERY', path: '/v2/Services', body: 'PageSize=1', ...NOT_ALLOWED });
  for (const method of ['FOO', 'GETT', 'G-T']) {
    cases.push({
      name: `the unknown method ${method}`,
      method,
      path: '/v2/Services',
      raw: `${method} /v2/Services HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\r\n`,
      ...NOT_ALLOWED,
    });
  }
  return cases;
}

function unknownPaths(f: Fixture): BadRequest[] {
  const paths = [
    '/',
    '/v1/Services',
    '/v3/Services',
    '/v2',
    '/v2/',
    '/v2/services',
    '/V2/Services',
    '/v2/Services/',
    `/v2/Services/${f.serviceSid}/Operators/${f.prebuiltSid}/extra`,
    `/v2/OperatorTypes/${f.operatorTypeSid}/versions`,
    `/v2/Operators/Custom/${f.customOperatorSid}/Operators`,
    '/v2/Services.json',
    `/v2/Services/${f.serviceSid}.json`,
    '/.env',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/v2/Services/%2e%2e/%2e%2e/etc/passwd',
    '//v2/Services',
    '/v2//Services',
    '/v2/Accounts',
    '/2010-04-01/Accounts.json',
    '/v2/%FF',
    '/v2/Operators/Custom/' + 'a'.repeat(5000),
  ];
  return paths.map((path) => ({ name: `GET ${path.slice(0, 80)}`, method: 'GET', path, ...NOT_FOUND }));
}

function protocolAttacks(f: Fixture): BadRequest[] {
  const get = (extra: string, path = '/v2/Services') => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n${extra}\r\n`;
  const post = `POST /v2/Services HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\n`;
  const raw: Array<[string, string, number, number]> = [
    ['a CR inside a header value', get('X-Note: a\rX-Injected: 1\r\n'), 400, 20422],
    ['a bare LF splitting a header', get('X-Note: a\nX-Injected: 1\r\n'), 400, 20422],
    ['a NUL inside a header value', get('X-Note: a\0b\r\n'), 400, 20422],
    ['a folded header line', get('X-Note: a\r\n X-Injected: 1\r\n'), 400, 20422],
    ['a space before the colon', get('X-Injected : 1\r\n'), 400, 20422],
    ['CR LF smuggled into If-Match', get('If-Match: "1"\rSet-Cookie: x=1\r\n', `/v2/Services/${f.serviceSid}`), 400, 20422],
    ['a raw non-ASCII byte in the path', get('', '/v2/Services/\u00ff'), 400, 20422],
    ['a space in the path', get('', '/v2/Services/a b'), 400, 20422],
    [
      'Content-Length together with Transfer-Encoding',
      `${post}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
      20422,
    ],
    ['two different Content-Lengths', `${post}Content-Length: 5\r\nContent-Length: 6\r\n\r\nUniqueName=x`, 400, 20422],
    ['a negative Content-Length', `${post}Content-Length: -1\r\n\r\n`, 400, 20422],
    ['20 KB of headers', get(`X-Big: ${'a'.repeat(20_000)}\r\n`), 431, 20422],
    ['no Host header in HTTP/1.1', 'GET /v2/Services HTTP/1.1\r\nAuthorization: {auth}\r\n\r\n', 400, 20422],
    ['no Host header in HTTP/1.0', 'GET /v2/Services HTTP/1.0\r\nAuthorization: {auth}\r\n\r\n', 400, 20422],
    ['an unknown HTTP version', 'GET /v2/Services HTTP/9.9\r\nHost: x\r\nAuthorization: {auth}\r\n\r\n', 400, 20422],
    ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, 20422],
    [
      'a CONNECT tunnel to the database',
      'CONNECT 127.0.0.1:5432 HTTP/1.1\r\nHost: 127.0.0.1:5432\r\nAuthorization: {auth}\r\n\r\n',
      405,
      20004,
    ],
  ];
  const cases: BadRequest[] = raw.map(([label, request, status, code]) => ({
    name: label,
    method: 'RAW',
    path: '',
    raw: request,
    status,
    code,
  }));
  const auth: Array<[string, string]> = [
    ['a 2 KB Authorization header', 'Basic ' + 'A'.repeat(2048)],
    ['a Bearer token', 'Bearer abc'],
    ['Basic without a colon', 'Basic ' + Buffer.from(f.accountSid).toString('base64')],
    ['Basic with an empty secret', 'Basic ' + Buffer.from(`${f.accountSid}:`).toString('base64')],
    ['Basic with a NUL in the secret', 'Basic ' + Buffer.from(`${f.accountSid}:\0`).toString('base64')],
    ['Basic with an SQL injection for the user', 'Basic ' + Buffer.from(`' OR 1=1 --:x`).toString('base64')],
    ['Basic that is not base64', 'Basic %%%%'],
  ];
  for (const [label, value] of auth) {
    cases.push({
      name: `GET /v2/Services with ${label}`,
      method: 'GET',
      path: '/v2/Services',
      anonymous: true,
      headers: { authorization: value },
      status: 401,
      code: 20003,
    });
  }
  for (const value of ['abc', '"1"x', '"99999999999999999999"', 'W/"2"']) {
    cases.push({
      name: `update service with If-Match ${value}`,
      method: 'POST',
      path: `/v2/Services/${f.serviceSid}`,
      body: form({ FriendlyName: 'x' }),
      headers: { 'if-match': value },
      status: 412,
      code: 20412,
    });
  }
  cases.push({
    name: 'GET /v2/Services?PageSize=1 with an encoded CR LF',
    method: 'GET',
    path: '/v2/Services?PageSize=1%0D%0ASet-Cookie:%20x=1',
    ...INVALID,
  });
  return cases;
}

export function protocolRequests(f: Fixture): BadRequest[] {
  return [...wrongContentTypes(f), ...unknownMethods(f), ...unknownPaths(f), ...protocolAttacks(f)];
}
