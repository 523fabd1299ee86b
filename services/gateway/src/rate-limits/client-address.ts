/**
 * The client's address for per-address limits, given the proxies in front of the gateway.
 *
 * `ips` is Fastify's `request.ips` (the gateway runs with `trustProxy`): the socket's peer
 * first, then the `X-Forwarded-For` entries from right to left. Each trusted proxy appends
 * the address it received the request from, so with `trustedProxies` hops in front the
 * client is the entry that many places from the socket; anything further left was written
 * by the client and could be anything. Fastify's own `request.ip` takes the leftmost entry,
 * which a client can set at will and so get a fresh count with every request.
 *
 * Assumption (README): the gateway is reachable only through those proxies. Reached directly,
 * a client could still write the entry it is judged by.
 */
export function clientAddress(ips: readonly string[], trustedProxies: number): string {
  if (ips.length === 0) return 'unknown';
  return ips[Math.min(trustedProxies, ips.length - 1)]!;
}
