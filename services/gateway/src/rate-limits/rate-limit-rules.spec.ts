import { clientAddress } from './client-address';
import { keySafe, limitsFor, type RateLimitSettings, type RequestFacts } from './rate-limit-rules';

const settings: RateLimitSettings = {
  windowMs: 60_000,
  staff: 600,
  unauthenticated: 60,
  publicRoutes: 6000,
  phoneLookups: 30,
  storePhoneLookups: 300,
};
const staffRequest: RequestFacts = {
  method: 'GET',
  route: '/api/v1/members/:id',
  publicRoute: false,
  staff: { sub: 'E042', storeId: 'S001' },
  address: '10.0.0.7',
};
const scopes = (request: RequestFacts) =>
  limitsFor(request, settings).map((l) => `${l.scope}:${l.max}`);

describe('which limits a request counts against', () => {
  it('a staff request: the staff member only', () => {
    expect(scopes(staffRequest)).toEqual(['staff:600']);
  });

  it('a phone lookup: the staff member, the tighter lookup limit, and the store', () => {
    const lookup = { ...staffRequest, route: '/api/v1/members' };
    expect(scopes(lookup)).toEqual(['staff:600', 'phone-lookup:30', 'store-phone-lookup:300']);
    expect(scopes({ ...lookup, staff: { sub: 'HQ1' } })).toEqual(['staff:600', 'phone-lookup:30']);
    // Registration is the same path, not a lookup.
    expect(scopes({ ...lookup, method: 'POST' })).toEqual(['staff:600']);
  });

  it('no valid token: the client address; a public route (webhooks): its own limit by address', () => {
    expect(scopes({ ...staffRequest, staff: undefined })).toEqual(['unauthenticated:60']);
    expect(
      scopes({
        ...staffRequest,
        route: '/api/v1/webhooks/notifications/:provider',
        publicRoute: true,
      }),
    ).toEqual(['public:6000']);
  });

  it('probes, metrics and docs: none', () => {
    for (const route of ['/health/ready', '/health/live', '/metrics', '/api/docs-json'])
      expect(scopes({ ...staffRequest, route, staff: undefined, publicRoute: true })).toEqual([]);
  });

  it('keys hold no staff id or address, only key-safe hashes', () => {
    const [limit] = limitsFor(
      { ...staffRequest, staff: undefined, address: '::ffff:10.0.0.7' },
      settings,
    );
    expect(limit!.subject).toBe(keySafe('::ffff:10.0.0.7'));
    expect(limit!.subject).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keySafe('E042')).not.toBe(keySafe('E043'));
  });
});

describe('the client address behind trusted proxies', () => {
  // Fastify's request.ips: the socket's peer, then X-Forwarded-For from right to left.
  it('takes the entry the nearest trusted proxy appended, not what the client wrote', () => {
    const ips = [
      '10.1.0.2' /* ingress */,
      '203.0.113.9' /* client, per ingress */,
      '1.2.3.4' /* spoofed */,
    ];
    expect(clientAddress(ips, 1)).toBe('203.0.113.9');
    expect(clientAddress(ips, 0)).toBe('10.1.0.2');
  });

  it('uses the socket when no proxy added anything, and never reads past the list', () => {
    expect(clientAddress(['127.0.0.1'], 1)).toBe('127.0.0.1');
    expect(clientAddress(['10.1.0.2', '203.0.113.9'], 5)).toBe('203.0.113.9');
    expect(clientAddress([], 1)).toBe('unknown');
  });
});
