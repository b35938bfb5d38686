// Types for the two modules of Fastify's internals used (only by src/http/internals.ts, which
// checks them at start-up): the code that lowercases the property names of header schemas, and
// Fastify's symbols.
declare module 'fastify/lib/validation.js' {
  const validation: {
    compileSchemasForValidation?: unknown;
  };
  export default validation;
}

// The symbols under which a reply keeps its headers and a request its route's context.
declare module 'fastify/lib/symbols.js' {
  const symbols: { kReplyHeaders?: unknown; kRouteContext?: unknown };
  export default symbols;
}
