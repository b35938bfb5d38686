// Types for the two modules of Fastify's internals we use: the code that lowercases the property
// names of header schemas (src/http/lazy-compilers.ts), and Fastify's symbols.
declare module 'fastify/lib/validation.js' {
  const validation: {
    compileSchemasForValidation<Route>(
      context: { schema: { headers: unknown }; config: { method?: string; url?: string } },
      compile: (route: Route) => void,
      isCustom: boolean,
    ): void;
  };
  export default validation;
}

// The symbols under which a reply keeps its headers (src/http/response-headers.ts) and a request its
// route's context (src/http/route-template.ts).
declare module 'fastify/lib/symbols.js' {
  const symbols: { kReplyHeaders: symbol; kRouteContext: symbol };
  export default symbols;
}
