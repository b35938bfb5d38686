// Types for the one module of Fastify's internals we use (src/http/lazy-compilers.ts): the code
// that lowercases the property names of header schemas.
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
