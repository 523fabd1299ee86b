import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode } from '@crm/contracts';
import { errorBody } from '../errors/error-body';

interface RoutePattern {
  pattern: RegExp;
  /** Literal path segments: `/members/imports` (4) names its path more closely than `/members/:id` (3). */
  literals: number;
  methods: Set<string>;
}

const tables = new WeakMap<FastifyInstance, RoutePattern[]>();

/**
 * Records each route's path and methods as it is registered, and answers a request for a
 * known path with a method it does not serve 405 with `Allow`, before routing: Fastify routes
 * by method first, so `DELETE /members/imports` would reach `DELETE /members/:id` (and be
 * refused as a bad id), and a method it has no route for at all (`QUERY`, `OPTIONS`) would be
 * a 404, or a 400 from its body parser. The path's own routes decide: where a literal route
 * (`/members/imports`) and a parameter route (`/members/:id`) both match, the literal one does,
 * as the API document lists them. Call before the app initialises.
 */
export function recordRouteMethods(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const table: RoutePattern[] = [];
  tables.set(fastify, table);
  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    // Fastify answers HEAD for every GET route on its own.
    if (methods.includes('GET')) methods.push('HEAD');
    const pattern = toPattern(route.url);
    const known = table.find((r) => r.pattern.source === pattern.source);
    if (known) methods.forEach((m) => known.methods.add(m));
    else table.push({ pattern, literals: literalsOf(route.url), methods: new Set(methods) });
  });
  fastify.addHook('onRequest', async (request, reply) => {
    const allowed = allowedMethods(request);
    if (allowed.length === 0 || allowed.includes(request.method.toUpperCase())) return;
    await reply
      .header('allow', allowed.join(', '))
      .status(405)
      .send(
        errorBody({
          code: ErrorCode.METHOD_NOT_ALLOWED,
          message: `${request.method} is not allowed here; use ${allowed.join(', ')}`,
        }),
      );
  });
}

/** The methods the gateway serves on the request's path (empty for an unknown path). */
export function allowedMethods(request: FastifyRequest): string[] {
  const path = request.url.split('?')[0]!;
  const matching = (tables.get(request.server) ?? []).filter((route) => route.pattern.test(path));
  const closest = Math.max(...matching.map((route) => route.literals));
  const methods = new Set<string>();
  for (const route of matching)
    if (route.literals === closest) route.methods.forEach((m) => methods.add(m));
  return [...methods].sort();
}

/** `/api/v1/members/:id/points` → a regular expression; `*` matches the rest of the path. */
function toPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((part) =>
      part === '*'
        ? '.*'
        : part.startsWith(':')
          ? '[^/]+'
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

function literalsOf(url: string): number {
  return url.split('/').filter((part) => part && part !== '*' && !part.startsWith(':')).length;
}
