import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

interface RoutePattern {
  pattern: RegExp;
  methods: Set<string>;
}

const tables = new WeakMap<FastifyInstance, RoutePattern[]>();

/**
 * Records each route's path and methods as it is registered, so that a request for a known
 * path with another method can be answered 405 with `Allow` instead of Fastify's 404 (it
 * routes by method first, and knows no better). Call before the app initialises.
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
    else table.push({ pattern, methods: new Set(methods) });
  });
}

/** The methods the gateway serves on the request's path (empty for an unknown path). */
export function allowedMethods(request: FastifyRequest): string[] {
  const path = request.url.split('?')[0]!;
  const methods = new Set<string>();
  for (const route of tables.get(request.server) ?? [])
    if (route.pattern.test(path)) route.methods.forEach((m) => methods.add(m));
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
