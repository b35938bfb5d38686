// The outbound address policy for every request this server makes on a user's behalf (media
// downloads, webhooks): only public addresses, unless OUTBOUND_ALLOWLIST names the host, the
// address or its network. The check is on the address a connection is about to use: `guardedLookup`
// replaces the socket's DNS lookup, so the name cannot resolve to one address when checked and to
// another when connected (DNS rebinding); IP-literal hosts, which Node connects without a lookup,
// are checked by `literalHostRefusal`.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ConfigError } from '../config.js';

export const ALLOWLIST_VARIABLE = 'OUTBOUND_ALLOWLIST';

export interface OutboundPolicy {
  /** Host names allowed whatever they resolve to (lowercase, without a trailing dot). */
  readonly hosts: ReadonlySet<string>;
  /** Addresses and networks allowed although not public. */
  readonly networks: BlockList;
  /** The entries as given, for logs and messages. */
  readonly entries: readonly string[];
}

/** Why an address is not public; `metadata` is named apart because it is the usual target of such attacks. */
type Category = 'unspecified' | 'loopback' | 'private' | 'link-local' | 'CGNAT' | 'multicast' | 'reserved' | 'cloud metadata';

const CATEGORY_TEXT: Record<Category, string> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  CGNAT: 'a carrier-grade NAT (shared) address',
  multicast: 'a multicast or broadcast address',
  reserved: 'a reserved address',
  'cloud metadata': 'a cloud metadata address',
};

// Checked in order: the metadata addresses first, inside the ranges that hold them.
const REFUSED: Array<[Category, string, number, 'ipv4' | 'ipv6']> = [
  ['cloud metadata', '169.254.169.254', 32, 'ipv4'], // AWS, GCP, Azure, Oracle, OpenStack
  ['cloud metadata', '100.100.100.200', 32, 'ipv4'], // Alibaba
  ['cloud metadata', 'fd00:ec2::254', 128, 'ipv6'], // AWS over IPv6
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['CGNAT', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'], // and 255.255.255.255
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['private', 'fec0::', 10, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
];

const refusedLists = REFUSED.map(([category, network, prefix, family]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { category, list };
});

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1]!.split('.').map(Number);
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = parse(head ?? '');
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const ipv4Of = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 address an IPv6 address carries to an IPv4 host: NAT64 (64:ff9b::/96), 6to4 (2002::/16)
 * and the deprecated IPv4-compatible form (::/96). IPv4-mapped addresses (::ffff:0:0/96) BlockList
 * already checks against the IPv4 ranges.
 */
function embeddedIpv4(address: string): string | null {
  const groups = ipv6Groups(address);
  const group = (index: number) => groups[index] ?? 0;
  if (group(0) === 0x64 && group(1) === 0xff9b && groups.slice(2, 6).every((value) => value === 0)) return ipv4Of(group(6), group(7));
  if (group(0) === 0x2002) return ipv4Of(group(1), group(2));
  if (groups.slice(0, 6).every((value) => value === 0) && (group(6) !== 0 || group(7) > 1)) return ipv4Of(group(6), group(7));
  return null;
}

function categoryOf(address: string, family: 'ipv4' | 'ipv6'): Category | null {
  for (const { category, list } of refusedLists) if (list.check(address, family)) return category;
  if (family === 'ipv6') {
    const carried = embeddedIpv4(address);
    if (carried !== null) return categoryOf(carried, 'ipv4');
  }
  return null;
}

const familyOf = (address: string): 'ipv4' | 'ipv6' | null => (isIP(address) === 4 ? 'ipv4' : isIP(address) === 6 ? 'ipv6' : null);
const normalHost = (host: string) => host.toLowerCase().replace(/\.$/, '');
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** OUTBOUND_ALLOWLIST: comma-separated host names, IPv4 and IPv6 addresses and CIDR ranges. */
export function parseOutboundAllowlist(raw: string | undefined): OutboundPolicy {
  const hosts = new Set<string>();
  const networks = new BlockList();
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const [addressPart = '', prefixPart, ...rest] = entry.replace(/^\[(.*)\]$/, '$1').split('/');
    const family = familyOf(addressPart);
    const bits = family === 'ipv4' ? 32 : 128;
    if (family !== null && prefixPart === undefined) {
      networks.addAddress(addressPart, family);
    } else if (
      family !== null &&
      prefixPart !== undefined &&
      rest.length === 0 &&
      /^\d{1,3}$/.test(prefixPart) &&
      Number(prefixPart) <= bits
    ) {
      networks.addSubnet(addressPart, Number(prefixPart), family);
    } else if (prefixPart === undefined && HOST_NAME.test(entry)) {
      hosts.add(normalHost(entry));
    } else {
      throw new ConfigError(
        `${ALLOWLIST_VARIABLE}: "${entry}" is not a host name, an IP address or a CIDR range (e.g. localhost,127.0.0.1,10.0.0.0/8,fd00::/8)`,
      );
    }
  }
  return { hosts, networks, entries };
}

/** A connection the policy refused: which host, which address it resolved to, and why. */
export class OutboundAddressRefused extends Error {
  override name = 'OutboundAddressRefused';
  readonly code = 'EOUTBOUNDREFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${host} resolves to ${address}, ${reason}, which is not allowed; add it to ${ALLOWLIST_VARIABLE}`);
  }
}

/** Why the policy refuses `address` reached through `host`, or null when it is allowed. */
export function addressRefusal(policy: OutboundPolicy, host: string, address: string): string | null {
  const family = familyOf(address);
  if (family === null) return 'not an IP address';
  if (policy.hosts.has(normalHost(host)) || policy.networks.check(address, family)) return null;
  const category = categoryOf(address, family);
  return category === null ? null : CATEGORY_TEXT[category];
}

/** The URL's host as a connection names it: IPv6 literals without their brackets. */
export const connectHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** For an IP-literal host (connected without a lookup): the refusal, or null. Host names are checked by guardedLookup. */
export function literalHostRefusal(policy: OutboundPolicy, url: URL): OutboundAddressRefused | null {
  const host = connectHost(url);
  if (isIP(host) === 0) return null;
  const reason = addressRefusal(policy, host, host);
  return reason === null ? null : new OutboundAddressRefused(host, host, reason);
}

/**
 * A `lookup` for http.request / net.connect that resolves as Node would and hands the socket only
 * addresses the policy allows; when none is left, the connection fails with OutboundAddressRefused.
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const all = (options as { all?: boolean }).all === true;
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) return callback(error, '', 0);
      const allowed = addresses.filter(({ address }) => addressRefusal(policy, hostname, address) === null);
      if (allowed.length === 0) {
        const first = addresses[0];
        const reason = first === undefined ? 'no address' : (addressRefusal(policy, hostname, first.address) as string);
        return callback(new OutboundAddressRefused(hostname, first?.address ?? '(none)', reason), '', 0);
      }
      if (all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
