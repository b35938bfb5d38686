// The outbound address policy: OUTBOUND_ALLOWLIST's parsing, which addresses are refused (IPv4,
// IPv6, and IPv6 forms that carry an IPv4 address), and the lookup that checks at connect time.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { test } from 'node:test';
import { ConfigError } from '../../src/config.js';
import {
  addressRefusal,
  guardedLookup,
  literalHostRefusal,
  OutboundAddressRefused,
  parseOutboundAllowlist,
} from '../../src/net/outbound-policy.js';

const none = parseOutboundAllowlist(undefined);

test('every non-public address is refused and named for what it is', () => {
  const cases: Array<[string, RegExp | null]> = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['::1', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::', /unspecified/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['fd12:3456::1', /private/],
    ['fc00::1', /private/],
    ['fec0::1', /private/],
    ['169.254.1.1', /link-local/],
    ['fe80::1', /link-local/],
    ['FE80::abcd', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /reserved/],
    ['240.0.0.1', /reserved/],
    ['198.18.0.1', /reserved/],
    ['169.254.169.254', /cloud metadata/],
    ['100.100.100.200', /cloud metadata/],
    ['fd00:ec2::254', /cloud metadata/],
    // IPv6 forms that reach an IPv4 address
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:169.254.169.254', /cloud metadata/],
    ['::ffff:10.0.0.1', /private/],
    ['64:ff9b::127.0.0.1', /loopback/],
    ['64:ff9b::a9fe:a9fe', /cloud metadata/],
    ['2002:7f00:1::', /loopback/],
    ['2002:c0a8:101::1', /private/],
    ['::127.0.0.1', /loopback/],
    ['::a00:1', /private/],
    // public
    ['8.8.8.8', null],
    ['1.1.1.1', null],
    ['172.32.0.1', null],
    ['100.128.0.1', null],
    ['169.255.0.1', null],
    ['2606:4700:4700::1111', null],
    ['::ffff:8.8.8.8', null],
    ['64:ff9b::808:808', null],
    ['2002:808:808::1', null],
  ];
  for (const [address, expected] of cases) {
    const refusal = addressRefusal(none, 'media.example.com', address);
    if (expected === null) assert.equal(refusal, null, address);
    else assert.match(refusal ?? 'allowed', expected, address);
  }
});

test('OUTBOUND_ALLOWLIST allows host names, addresses and CIDR ranges, IPv4 and IPv6', () => {
  const policy = parseOutboundAllowlist(' localhost , 127.0.0.1,10.0.0.0/8, fd00::/8,[::1],Media.Internal.,169.254.169.254 ,');
  assert.deepEqual(policy.entries, ['localhost', '127.0.0.1', '10.0.0.0/8', 'fd00::/8', '[::1]', 'Media.Internal.', '169.254.169.254']);
  assert.equal(addressRefusal(policy, 'anything', '127.0.0.1'), null);
  assert.equal(addressRefusal(policy, 'anything', '::ffff:127.0.0.1'), null, 'the IPv4-mapped form of an allowed address');
  assert.match(addressRefusal(policy, 'anything', '127.0.0.2') ?? '', /loopback/, 'one address is not its network');
  assert.equal(addressRefusal(policy, 'anything', '10.200.3.4'), null);
  assert.equal(addressRefusal(policy, 'anything', 'fd12::1'), null);
  assert.equal(addressRefusal(policy, 'anything', '::1'), null);
  assert.equal(addressRefusal(policy, 'anything', '169.254.169.254'), null, 'metadata only when named');
  assert.match(addressRefusal(policy, 'anything', '192.168.0.1') ?? '', /private/);
  assert.equal(addressRefusal(policy, 'LOCALHOST', '192.168.0.1'), null, 'an allowed name may resolve anywhere');
  assert.equal(addressRefusal(policy, 'media.internal', '192.168.0.1'), null);
  assert.match(addressRefusal(policy, 'other.internal', '192.168.0.1') ?? '', /private/);
  assert.equal(parseOutboundAllowlist('').entries.length, 0);
});

test('a malformed OUTBOUND_ALLOWLIST entry stops the start with a message naming it', () => {
  for (const entry of [
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.0/8/8',
    'host name',
    'http://example.com',
    '300.1.1.1/8',
    'localhost/8',
    '-bad-.com',
  ]) {
    assert.throws(
      () => parseOutboundAllowlist(`localhost,${entry}`),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(
          error.message.startsWith(`OUTBOUND_ALLOWLIST: "${entry}" is not a host name, an IP address or a CIDR range`),
          error.message,
        );
        return true;
      },
    );
  }
});

test('an IP-literal host is checked without a lookup', () => {
  assert.equal(literalHostRefusal(none, new URL('http://example.com/')), null, 'names are left to the lookup');
  assert.equal(literalHostRefusal(none, new URL('http://8.8.8.8/')), null);
  for (const url of [
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest',
  ]) {
    const refused = literalHostRefusal(none, new URL(url));
    assert.ok(refused instanceof OutboundAddressRefused, url);
    assert.match(refused.message, /which is not allowed; add it to OUTBOUND_ALLOWLIST$/);
  }
});

test('a connection through the guarded lookup to a refused name never opens; an allowed one does', async () => {
  const server = createServer((socket) => socket.end());
  let connections = 0;
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  try {
    const refused = connect({ host: 'localhost', port, lookup: guardedLookup(none) });
    const [error] = (await once(refused, 'error').catch((thrown: unknown) => [thrown])) as [Error];
    assert.ok(error instanceof OutboundAddressRefused, String(error));
    assert.equal(error.message, 'localhost resolves to 127.0.0.1, a loopback address, which is not allowed; add it to OUTBOUND_ALLOWLIST');
    assert.equal(connections, 0);

    const allowed = connect({ host: 'localhost', port, lookup: guardedLookup(parseOutboundAllowlist('127.0.0.0/8')) });
    await once(allowed, 'connect');
    allowed.destroy();
    await once(allowed, 'close');
    assert.equal(connections, 1);
  } finally {
    server.close();
  }
});
