import * as z from 'zod/mini';
import { MAX_BODY_BYTES } from './body-limit.js';
import type { ParameterSchema, ResponseConfig, RouteConfig } from './route-config.js';
import { ROUTES } from './routes.js';
import { schemaDocs } from './schema-doc.js';

/**
 * An OpenAPI 3.1 document, as JSON.
 *
 * @example
 * const paths = Object.keys(document.paths);
 */
export interface OpenApiDocument {
  /** The OpenAPI version the document follows: `3.1.0`. */
  openapi: string;
  /** What the document describes. */
  info: {
    /** The API's name: {@link OpenApiDocumentOptions.title}. */
    title: string;
    /** The document's version: {@link OpenApiDocumentOptions.version}. */
    version: string;
    /** An overview of the API: its amounts, body limit and error shape. */
    description?: string;
  };
  /** The operations, by path: every route of the API with its schemas and access. */
  paths: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * How to describe the API: the document's title, version and servers.
 *
 * @example
 * const options: OpenApiDocumentOptions = { servers: [{ url: 'https://wallet.example.com' }] };
 */
export interface OpenApiDocumentOptions {
  /** Default `Wallet API`. */
  title?: string;
  /** The version of this deployment's document; default `1.0.0`. */
  version?: string;
  /** Where the API is served, listed as the document's `servers`; default: none listed. */
  servers?: {
    /** The base URL of the API, such as `https://wallet.example.com`. */
    url: string;
    /** What this server is, such as `production`. */
    description?: string;
  }[];
}

/** A JSON Schema as `z.toJSONSchema` writes it. */
type JsonSchema = Record<string, unknown>;

const COMPONENT = '#/components/schemas/';

/** Where the named schemas go, by name, as the document's `components.schemas`. */
type Components = Record<string, JsonSchema>;

/**
 * The JSON Schema (draft 2020-12, OpenAPI 3.1's) of `schema`, with its {@link SchemaDoc}s; a
 * named schema, wherever it appears, becomes a `$ref` to its component, which is added to
 * `components`. Every schema is written as input, what a caller sends or reads: the responses
 * are the service's objects as they are, never parsed on the way out, so the document must
 * not promise that they carry no other member (`z.object`'s output would).
 */
function jsonSchema(schema: z.ZodMiniType, components: Components): JsonSchema {
  const { $schema, $defs, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    metadata: schemaDocs,
  }) as JsonSchema & { $defs?: Components };
  for (const [name, definition] of Object.entries($defs ?? {})) {
    components[name] = toComponentRefs(definition) as JsonSchema;
  }
  return toComponentRefs(json) as JsonSchema;
}

/** `value` with every `#/$defs/X` reference pointed at `#/components/schemas/X`. */
function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string'
        ? item.replace('#/$defs/', COMPONENT)
        : toComponentRefs(item),
    ]),
  );
}

/** One parameter a member of a path, query or header schema stands for. */
function parameters(
  schema: ParameterSchema | undefined,
  where: 'path' | 'query' | 'header',
  components: Components,
): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, components) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties).map(([name, property]) => ({
    schema: property,
    required: object.required?.includes(name) ?? false,
    ...(property.description === undefined ? {} : { description: property.description }),
    name,
    in: where,
  }));
}

/** The OpenAPI response object of one response a route declares. */
function responseObject(response: ResponseConfig, components: Components): JsonSchema {
  return {
    description: response.description,
    ...(response.headers === undefined ? {} : { headers: response.headers }),
    content: {
      'application/json': {
        schema: jsonSchema(response.content['application/json'].schema, components),
      },
    },
  };
}

/** The OpenAPI operation of one route. */
function operation(route: RouteConfig, components: Components): JsonSchema {
  const { request } = route;
  const parameterList = [
    ...parameters(request?.params, 'path', components),
    ...parameters(request?.query, 'query', components),
    ...parameters(request?.headers, 'header', components),
  ];
  const body = request?.body;
  return {
    operationId: route.operationId,
    tags: route.tags,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    security: route.security,
    ...(route['x-wallet-access'] === undefined
      ? {}
      : { 'x-wallet-access': route['x-wallet-access'] }),
    ...(parameterList.length === 0 ? {} : { parameters: parameterList }),
    ...(body === undefined
      ? {}
      : {
          requestBody: {
            required: body.required,
            content: {
              'application/json': {
                schema: jsonSchema(body.content['application/json'].schema, components),
              },
            },
          },
        }),
    responses: Object.fromEntries(
      Object.entries(route.responses).flatMap(([status, response]) =>
        response === undefined ? [] : [[status, responseObject(response, components)]],
      ),
    ),
  };
}

/**
 * Builds the OpenAPI 3.1 document of the wallet API from the same route schemas that validate
 * requests. Needs no service: use it to publish the contract or generate clients at build time.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('openapi.json', JSON.stringify(buildOpenApiDocument(), null, 2));
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions = {}): OpenApiDocument {
  const components: Components = {};
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation(route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Wallet API',
      version: options.version ?? '1.0.0',
      description: `In-game currency wallets. JSON in and out; amounts are decimal strings. Bodies are at most ${MAX_BODY_BYTES} bytes. Errors are \`{ "error": { "code", "message", "details"? } }\`.`,
    },
    ...(options.servers ? { servers: options.servers } : {}),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A token configured on the API. Its scopes are read, credit, debit, transfer, exchange and admin (admin implies the others); it may be limited to one account.',
        },
      },
      schemas: components,
    },
    paths,
  };
}
