// Route schemas compiled by the first request that needs them, not at start-up: a cold start then
// compiles the schemas of the one route its first request uses, not those of every route. The
// compilers are Fastify's defaults (Ajv, fast-json-stringify) with the app's options.
// test/http/lazy-compilers.test.ts compiles every route's schemas, so a broken one still fails the tests.
import ajvCompiler from '@fastify/ajv-compiler';
import serializerCompiler from '@fastify/fast-json-stringify-compiler';
import { errorCodes, type FastifyServerOptions } from 'fastify';
import type { SchemaRoute } from './internals.js';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;
type Validate = ReturnType<ReturnType<ValidatorFactory>>;
type Serialize = ReturnType<ReturnType<SerializerFactory>>;

/** What Ajv puts on a validate function, beside calling it; Fastify reads schemaEnv and errors. */
const VALIDATE_PROPERTIES = ['errors', 'evaluated', 'schema', 'schemaEnv', 'source', '$async'] as const;

/**
 * Fastify's default compilers, each route's schemas compiled by the first call that needs them.
 * `lowerCaseHeaderNames` is Fastify's own (internals.ts): it does so only for its own compiler.
 */
export function lazySchemaCompilers(lowerCaseHeaderNames: <Route extends SchemaRoute>(route: Route) => Route): Required<CompilersFactory> {
  const buildValidator = ajvCompiler();
  const buildSerializer = serializerCompiler();
  return {
    buildValidator: (externalSchemas, ajvOptions) => {
      const compile = buildValidator(externalSchemas, ajvOptions);
      return (route) => {
        if (route.httpPart === 'params' && acceptsEveryPath(route.schema)) return acceptAll;
        const asFastifyPassesIt = route.httpPart === 'headers' ? lowerCaseHeaderNames(route) : route;
        return lazyValidate(() => compileOrExplain(compile, asFastifyPassesIt, errorCodes.FST_ERR_SCH_VALIDATION_BUILD));
      };
    },
    buildSerializer: (externalSchemas, serializerOptions) => {
      const compile = buildSerializer(externalSchemas, serializerOptions);
      return (route) => lazySerialize(() => compileOrExplain(compile, route, errorCodes.FST_ERR_SCH_SERIALIZATION_BUILD));
    },
  };
}

/**
 * Path parameters are always strings, so a params schema that only types its properties as strings
 * (ours document the path for the OpenAPI document; the routes check SIDs themselves) cannot refuse
 * a request: it needs no validator to run at every request.
 */
function acceptsEveryPath(schema: unknown): boolean {
  const { type, properties, ...rest } = schema as { type?: unknown; properties?: Record<string, unknown> };
  if (type !== 'object' || Object.keys(rest).length > 0 || properties === undefined) return false;
  return Object.values(properties).every((property) => {
    const keys = Object.keys(property as object);
    return keys.length === 1 && (property as { type?: unknown }).type === 'string';
  });
}

const acceptAll = (() => true) as unknown as Validate;

/** The error Fastify would have thrown at start-up for this route, now thrown by its first request. */
function compileOrExplain<Route extends { method?: string; url?: string }, Compiled>(
  compile: (route: Route) => Compiled,
  route: Route,
  BuildError: new (method?: string, url?: string, message?: string) => Error,
): Compiled {
  try {
    return compile(route);
  } catch (error) {
    throw new BuildError(route.method, route.url, (error as Error).message);
  }
}

function lazyValidate(compile: () => Validate): Validate {
  let validate: Validate | undefined;
  const compiled = () => (validate ??= compile());
  const lazy = function (this: unknown, data: unknown, dataContext?: unknown) {
    return compiled().call(this, data, dataContext as never);
  };
  for (const name of VALIDATE_PROPERTIES) {
    Object.defineProperty(lazy, name, {
      get: () => (compiled() as unknown as Record<string, unknown>)[name],
      set: (value: unknown) => {
        (compiled() as unknown as Record<string, unknown>)[name] = value;
      },
    });
  }
  return lazy as unknown as Validate;
}

function lazySerialize(compile: () => Serialize): Serialize {
  let serialize: Serialize | undefined;
  return (document) => (serialize ??= compile())(document);
}
