/**
 * Where PerfLens may connect: the one check every outgoing HTTP, WebSocket and load connection
 * goes through, at the moment it connects, whoever supplied the address (the user, a service's
 * answer such as an inspector's /json/list, a process's command line).
 *
 * Hosts are resolved here, not by the system resolver: `localhost` and `*.localhost` are loopback
 * by definition (RFC 6761) and never leave the machine as a DNS query; other names are looked up
 * only when remote targets are allowed. The connection goes to the address approved here (a
 * `lookup` hook for node:http and ws, a pinned IP for the load generator), so a name cannot
 * resolve to one address when checked and another when connected.
 */
import * as dns from 'node:dns';
import * as net from 'node:net';
import type { Result } from './result';
import { errorMessage, fail, ok } from './result';

export interface ConnectAddress {
  address: string;
  family: 4 | 6;
}

/** How a name is resolved when remote targets are allowed (tests may inject one). */
export type RemoteLookup = (hostname: string) => Promise<ConnectAddress[]>;

export type ConnectPolicy =
  { readonly kind: 'loopbackOnly' } | { readonly kind: 'allowRemote'; readonly lookup?: RemoteLookup };

/** This machine only: loopback addresses and loopback names. The default everywhere. */
export const LOOPBACK_ONLY: ConnectPolicy = { kind: 'loopbackOnly' };
/** Any host (perflens.allowRemoteTargets / --allow-remote, and alert webhooks). */
export const ALLOW_REMOTE: ConnectPolicy = { kind: 'allowRemote' };

export function connectPolicy(allowRemote: boolean | undefined): ConnectPolicy {
  return allowRemote ? ALLOW_REMOTE : LOOPBACK_ONLY;
}

export type ConnectFailureKind = 'remote' | 'not-found';

/** A connection PerfLens would not make (thrown by the WebSocket and lookup paths). */
export class ConnectRefusedError extends Error {
  constructor(
    message: string,
    readonly kind: ConnectFailureKind,
  ) {
    super(message);
    this.name = 'ConnectRefusedError';
  }
}

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const LOOPBACK_V4: ConnectAddress = { address: '127.0.0.1', family: 4 };
const LOOPBACK_V6: ConnectAddress = { address: '::1', family: 6 };

/** A URL's hostname without IPv6 brackets, lower case, without a trailing dot. */
function bare(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.0.0.1). */
export function isLoopbackAddress(host: string): boolean {
  const h = bare(host);
  const family = net.isIP(h);
  // An IPv4 address net.isIP accepts is four decimal octets without leading zeros: it is in
  // 127.0.0.0/8 when its first octet is 127 (the block list would build a socket address to say so).
  if (family === 4) return h.startsWith('127.');
  if (family === 6) return LOOPBACK.check(h, 'ipv6');
  return false;
}

/** `localhost`, any name under `.localhost`, and Debian's `ip6-localhost`/`ip6-loopback`. */
export function isLoopbackName(host: string): boolean {
  const h = bare(host);
  return h === 'localhost' || h.endsWith('.localhost') || h === 'ip6-localhost' || h === 'ip6-loopback';
}

export function isLoopbackHost(host: string): boolean {
  return isLoopbackAddress(host) || isLoopbackName(host);
}

/** 0.0.0.0 and :: mean "listen on every interface"; they are not addresses to connect to. */
export function isWildcardAddress(host: string): boolean {
  const h = bare(host);
  return h === '0.0.0.0' || (net.isIP(h) === 6 && /^[0:]+$/.test(h));
}

/** The address to connect to for a server bound to `host`: loopback for a wildcard bind. */
export function connectHostForBind(host: string): string {
  if (!isWildcardAddress(host)) return bare(host) || '127.0.0.1';
  return net.isIP(bare(host)) === 6 ? '::1' : '127.0.0.1';
}

/**
 * Why a connection to `host` is refused under `policy`, or undefined when it may be made. Pure and
 * synchronous, so input boxes and flag parsing give the same answer the connection will.
 */
export function remoteRefusal(host: string, policy: ConnectPolicy): string | undefined {
  if (policy.kind === 'allowRemote' || isLoopbackHost(host)) return undefined;
  const h = bare(host);
  if (isWildcardAddress(h))
    return `${h} means "every interface" to a server, not an address to connect to; use 127.0.0.1 (or ::1) to reach a service on this machine.`;
  return `${h} is not on this machine. PerfLens connects only to loopback addresses (127.0.0.1, ::1, localhost) unless remote targets are allowed (setting perflens.allowRemoteTargets, CLI --allow-remote).`;
}

function systemLookup(hostname: string): Promise<ConnectAddress[]> {
  return dns.promises
    .lookup(hostname, { all: true, verbatim: true })
    .then((list) => list.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })));
}

/**
 * The addresses to connect to for `host`, or why not. Loopback names give 127.0.0.1 then ::1
 * without DNS; IP literals are checked as they are; other names are refused under loopbackOnly
 * before any lookup, and resolved only when remote targets are allowed.
 */
export async function resolveConnectAddresses(
  host: string,
  policy: ConnectPolicy,
): Promise<Result<ConnectAddress[], ConnectFailureKind>> {
  const h = bare(host);
  const family = net.isIP(h);
  const refusal = remoteRefusal(h, policy);
  if (refusal) return fail('remote', refusal);
  if (family !== 0) return ok([{ address: h, family: family === 6 ? 6 : 4 }]);
  if (isLoopbackName(h)) return ok(h.startsWith('ip6-') ? [LOOPBACK_V6] : [LOOPBACK_V4, LOOPBACK_V6]);
  const lookup = (policy.kind === 'allowRemote' ? policy.lookup : undefined) ?? systemLookup;
  try {
    const list = await lookup(h);
    if (list.length === 0) return fail('not-found', `The host ${h} was not found (DNS). Check the spelling.`);
    return ok(list);
  } catch (e) {
    return fail('not-found', `The host ${h} was not found (DNS: ${errorMessage(e)}). Check the spelling.`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for node:http, node:https and ws connections that resolves through the policy (net
 * calls it only for names; IP literals are checked by checkConnectUrl before connecting).
 */
export function policyLookup(
  policy: ConnectPolicy,
): (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    void resolveConnectAddresses(hostname, policy).then((r) => {
      if (!r.ok) {
        const err: NodeJS.ErrnoException = new ConnectRefusedError(r.error.message, r.error.kind as ConnectFailureKind);
        err.code = r.error.kind === 'remote' ? 'EPERFLENSREMOTE' : 'ENOTFOUND';
        callback(err, '');
        return;
      }
      const wanted =
        options.family === 4 || options.family === 6 ? r.value.filter((a) => a.family === options.family) : r.value;
      const list = wanted.length ? wanted : r.value;
      if (options.all) callback(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * The pre-connect check of a URL's host: IP literals (which net connects to without a lookup)
 * are judged here, names are left to policyLookup at connect time.
 */
export function checkConnectUrl(url: URL, policy: ConnectPolicy): Result<void, 'remote'> {
  const refusal = remoteRefusal(url.hostname, policy);
  return refusal ? fail('remote', refusal) : ok(undefined);
}

/** Options to spread into http.request / new WebSocket so the connection goes where the policy allows. */
export function connectOptions(policy: ConnectPolicy): { lookup: ReturnType<typeof policyLookup> } {
  return { lookup: policyLookup(policy) };
}

/** The refusal carried by a connection error (from policyLookup), if that is what it was. */
export function refusalOf(e: unknown): ConnectRefusedError | undefined {
  if (e instanceof ConnectRefusedError) return e;
  const inner = (e as { errors?: unknown[] } | undefined)?.errors;
  return Array.isArray(inner)
    ? inner.find((x): x is ConnectRefusedError => x instanceof ConnectRefusedError)
    : undefined;
}
