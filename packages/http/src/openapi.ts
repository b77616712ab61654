import { OpenAPIHono } from '@hono/zod-openapi';
import { MAX_BODY_BYTES } from './body-limit.js';
import { ROUTES } from './routes.js';

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

/**
 * Builds the OpenAPI 3.1 document of the wallet API from the same route schemas that validate
 * requests. Needs no service: use it to publish the contract or generate clients at build time.
 *
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('openapi.json', JSON.stringify(buildOpenApiDocument(), null, 2));
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions = {}): OpenApiDocument {
  // A bare OpenAPIHono only as the holder of a registry and its 3.1 generator: no handlers.
  const holder = new OpenAPIHono();
  for (const route of ROUTES) holder.openAPIRegistry.registerPath(route);
  holder.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A token configured on the API. Its scopes are read, credit, debit, transfer, exchange and admin (admin implies the others); it may be limited to one account.',
  });
  const document = holder.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Wallet API',
      version: options.version ?? '1.0.0',
      description: `In-game currency wallets. JSON in and out; amounts are decimal strings. Bodies are at most ${MAX_BODY_BYTES} bytes. Errors are \`{ "error": { "code", "message", "details"? } }\`.`,
    },
    ...(options.servers ? { servers: options.servers } : {}),
  });
  return document as unknown as OpenApiDocument;
}
