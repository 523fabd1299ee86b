import { RouteConfig, type NestFastifyApplication } from '@nestjs/platform-fastify';

const BODY_LIMIT_KEY = 'crmBodyLimit';

/**
 * Raises (or lowers) the request body limit of one route. Nest passes a route's
 * `@RouteConfig` to Fastify as its `config` but has no decorator for the `bodyLimit` route
 * option; `applyRouteBodyLimits` turns the one into the other as each route is registered.
 */
export const BodyLimit = (bytes: number) => RouteConfig({ [BODY_LIMIT_KEY]: bytes });

/** Call before the app initialises (routes are registered on init). */
export function applyRouteBodyLimits(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const bytes = (route.config as Record<string, unknown> | undefined)?.[BODY_LIMIT_KEY];
      if (typeof bytes === 'number') route.bodyLimit = bytes;
    });
}
