import type * as z from 'zod/mini';
import type { RouteAccess } from './access.js';

/**
 * The schema of one part of a request that comes as named strings: the path parameters, the
 * query or the headers, one member a parameter.
 *
 * @example
 * const params: ParameterSchema = z.object({ accountId: z.string() });
 */
export type ParameterSchema = z.ZodMiniObject;

/**
 * What a route takes, by part of the request. Each part is validated before the handler runs,
 * in this order: query, path parameters, headers, JSON body.
 *
 * @example
 * const request: RouteRequest = { params: AccountParams, body: { required: true, content: { 'application/json': { schema: FundsBody } } } };
 */
export interface RouteRequest {
  params?: ParameterSchema;
  query?: ParameterSchema;
  /** Matched case-insensitively: a request's header names are lower case. */
  headers?: ParameterSchema;
  /**
   * The JSON body. `required: false`: a request without a body (and without a `Content-Type`)
   * is taken as `{}`, unvalidated.
   */
  body?: { required: boolean; content: { 'application/json': { schema: z.ZodMiniType } } };
}

/**
 * One response a route documents.
 *
 * @example
 * const ok: ResponseConfig = { description: 'The wallet.', content: { 'application/json': { schema: Wallet } } };
 */
export interface ResponseConfig {
  description: string;
  headers?: Readonly<Record<string, { description: string; schema: { type: 'string' } }>>;
  content: { 'application/json': { schema: z.ZodMiniType } };
}

/**
 * A route of the API, declared once, in the words of an OpenAPI operation: the router serves it,
 * the validator checks requests with its schemas, and the document describes it.
 *
 * @example
 * const route: RouteConfig = { method: 'get', path: '/healthz', operationId: 'health', tags: ['meta'], summary: 'Liveness', security: [], responses: {} };
 */
export interface RouteConfig {
  method: 'get' | 'post';
  /** OpenAPI's spelling: `/v1/wallets/{accountId}`. */
  path: string;
  operationId: string;
  tags: readonly string[];
  summary: string;
  description?: string;
  /** OpenAPI security requirements: `[]` for a public route. */
  security: readonly Readonly<Record<string, readonly string[]>>[];
  /** Who may call the route; absent on a public route. */
  'x-wallet-access'?: RouteAccess;
  request?: RouteRequest;
  /** By status; a status a route does not answer is absent. */
  responses: { readonly [status: string]: ResponseConfig | undefined };
}

/**
 * The parts of a request a route validates, by Hono's names for them.
 *
 * @example
 * const target: RequestTarget = 'json';
 */
export type RequestTarget = 'json' | 'param' | 'query' | 'header';

/**
 * What a route's schemas yield for one part of the request: the handler's input type, inferred
 * from the schema that validated it.
 *
 * @example
 * type Body = Validated<typeof addFundsRoute, 'json'>; // { amount: ...; currency?: ... }
 */
export type Validated<R extends RouteConfig, T extends RequestTarget> = T extends 'json'
  ? R['request'] extends {
      body: { content: { 'application/json': { schema: infer S extends z.ZodMiniType } } };
    }
    ? z.output<S>
    : never
  : R['request'] extends {
        [K in T extends 'param'
          ? 'params'
          : T extends 'query'
            ? 'query'
            : 'headers']: infer S extends z.ZodMiniType;
      }
    ? z.output<S>
    : never;
