// Route config shared by the operations endpoints (health, metrics, OpenAPI, admin): outside /v2,
// so no Basic credentials and no per-account rate limit; `operations` marks them for any hook
// that must leave them alone.
declare module 'fastify' {
  interface FastifyContextConfig {
    operations?: boolean;
  }
}

export const operationsRouteConfig = { operations: true } as const;
