import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

/** A header, query or multi-value map as API Gateway sends it (values may be absent). */
type ProxyMap<Value> = Readonly<Record<string, Value | undefined>>;

/**
 * What the handler reads of an API Gateway REST API (payload v1) proxy event. Declared here,
 * field by field, so that `APIGatewayProxyEvent` from `@types/aws-lambda` (and its authorizer
 * variants) is accepted as is, without making `@types/aws-lambda` a dependency.
 *
 * @example
 * const event: RestApiProxyEvent = {
 *   httpMethod: 'GET',
 *   path: '/v1/wallets/player-1',
 *   headers: { Authorization: 'Bearer dev-admin-token' },
 *   multiValueHeaders: null,
 *   queryStringParameters: null,
 *   multiValueQueryStringParameters: null,
 *   body: null,
 *   isBase64Encoded: false,
 *   requestContext: { requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', stage: 'prod' },
 * };
 */
export interface RestApiProxyEvent {
  /** The request's HTTP method, such as `GET`. */
  httpMethod: string;
  /** The resource path, without the stage. */
  path: string;
  /** The request headers, with the last value of a repeated header; `null` when there are none. */
  headers?: ProxyMap<string> | null;
  /** Takes precedence over `headers`; when present, the result answers with it too. */
  multiValueHeaders?: ProxyMap<readonly string[]> | null;
  /** The query string's parameters, with the last value of a repeated key; `null` when none. */
  queryStringParameters?: ProxyMap<string> | null;
  /** Takes precedence over `queryStringParameters` (it keeps repeated keys). */
  multiValueQueryStringParameters?: ProxyMap<readonly string[]> | null;
  /** The request body, base64-encoded when `isBase64Encoded`; `null` when there is none. */
  body?: string | null;
  /** True when API Gateway base64-encoded `body` (a binary payload). */
  isBase64Encoded?: boolean;
  /** What API Gateway adds about the request: its id, stage, domain and caller. */
  requestContext: {
    /** Becomes the response's `X-Request-Id` unless the caller sent a well-formed one. */
    requestId: string;
    /** The deployment stage the request came through, such as `prod`. */
    stage: string;
    /** The domain name the client called; the handler makes it the request URL's host. */
    domainName?: string;
    /** The caller IAM authenticated, on methods with IAM authorization. */
    identity?: {
      /** The ARN of the IAM user or role that signed the request. */
      userArn?: string | null;
      /** The IP address API Gateway received the request from. */
      sourceIp?: string;
    };
    /** The context of the method's authorizer; its shape is the authorizer's. */
    authorizer?: unknown;
  };
}

/**
 * What the handler reads of an API Gateway HTTP API (payload v2) proxy event. Declared here so
 * that `APIGatewayProxyEventV2` from `@types/aws-lambda` (and its JWT, Lambda and IAM authorizer
 * variants) is accepted as is.
 *
 * @example
 * const event: HttpApiProxyEvent = {
 *   rawPath: '/v1/wallets/player-1',
 *   rawQueryString: '',
 *   headers: { authorization: 'Bearer dev-admin-token' },
 *   isBase64Encoded: false,
 *   requestContext: { requestId: 'JKJaXmPLvHcESHA=', stage: '$default', http: { method: 'GET' } },
 * };
 */
export interface HttpApiProxyEvent {
  /** Includes the stage on a stage other than `$default`; the handler removes it. */
  rawPath: string;
  /** The query string as the client sent it, without the `?`; empty when there is none. */
  rawQueryString: string;
  /** The request headers, names in lower case, the values of a repeated header joined by commas. */
  headers?: ProxyMap<string>;
  /** The request's cookies, one `name=value` each; the handler sends them on as `Cookie`. */
  cookies?: readonly string[];
  /** The request body, base64-encoded when `isBase64Encoded`. */
  body?: string | null;
  /** True when API Gateway base64-encoded `body` (a binary payload). */
  isBase64Encoded?: boolean;
  /** What API Gateway adds about the request: its id, stage, domain, method and caller. */
  requestContext: {
    /** Becomes the response's `X-Request-Id` unless the caller sent a well-formed one. */
    requestId: string;
    /** The stage the request came through: `$default` unless the API has named stages. */
    stage: string;
    /** The domain name the client called; the handler makes it the request URL's host. */
    domainName?: string;
    /** The HTTP details of the request. */
    http: {
      /** The request's HTTP method, such as `GET`. */
      method: string;
    };
    /** `lambda`, `jwt` or `iam`, depending on the route's authorizer. */
    authorizer?: unknown;
  };
}

/**
 * An event the wallet's Lambda handler takes: REST API (v1) or HTTP API (v2), told apart by
 * `rawPath`.
 *
 * @example
 * const method = 'rawPath' in event ? event.requestContext.http.method : event.httpMethod;
 */
export type WalletLambdaEvent = RestApiProxyEvent | HttpApiProxyEvent;

/**
 * The proxy result for a REST API (v1) event: with `multiValueHeaders` when the event had them
 * (API Gateway always sends them), else with `headers`. Assignable to `APIGatewayProxyResult`.
 *
 * @example
 * const result: RestApiProxyResult = await lambdaHandler(api)(restApiEvent);
 */
export interface RestApiProxyResult {
  /** The HTTP status of the response. */
  statusCode: number;
  /** The response headers, when the event had no `multiValueHeaders`. */
  headers?: Record<string, string>;
  /** The response headers, each value in a list, when the event had `multiValueHeaders`. */
  multiValueHeaders?: Record<string, string[]>;
  /** The response body, base64-encoded when `isBase64Encoded`. */
  body: string;
  /** True when `body` is base64 (a binary response), which API Gateway decodes before sending. */
  isBase64Encoded: boolean;
}

/**
 * The proxy result for an HTTP API (v2) event. Assignable to `APIGatewayProxyResultV2`.
 *
 * @example
 * const result: HttpApiProxyResult = await lambdaHandler(api)(httpApiEvent);
 */
export interface HttpApiProxyResult {
  /** The HTTP status of the response. */
  statusCode: number;
  /** The response headers but `Set-Cookie`, which goes in `cookies`. */
  headers: Record<string, string>;
  /** The values of the response's `Set-Cookie` headers, one per cookie. */
  cookies?: string[];
  /** The response body, base64-encoded when `isBase64Encoded`. */
  body: string;
  /** True when `body` is base64 (a binary response), which API Gateway decodes before sending. */
  isBase64Encoded: boolean;
}

/**
 * The result type that answers an event type: v2 events get {@link HttpApiProxyResult}, v1
 * events {@link RestApiProxyResult}.
 *
 * @example
 * type Answer = WalletLambdaResult<APIGatewayProxyEventV2>; // HttpApiProxyResult
 */
export type WalletLambdaResult<Event extends WalletLambdaEvent> = Event extends HttpApiProxyEvent
  ? HttpApiProxyResult
  : RestApiProxyResult;

/**
 * What an authorizer may read of the Lambda context; the `Context` the Lambda runtime passes
 * (`Context` of `@types/aws-lambda`) has all of it.
 *
 * @example
 * const seconds = (context?.getRemainingTimeInMillis() ?? 0) / 1000;
 */
export interface WalletLambdaContext {
  /** The id of this Lambda invocation (not API Gateway's `requestContext.requestId`). */
  awsRequestId: string;
  /** The name of the Lambda function. */
  functionName: string;
  /** The ARN the function was invoked by, with a version or alias when the invoker named one. */
  invokedFunctionArn: string;
  /** The milliseconds left before the invocation times out. */
  getRemainingTimeInMillis(): number;
}

/**
 * An AWS Lambda handler for API Gateway proxy integrations: REST API (payload v1) and HTTP API
 * (payload v2) events in, the matching proxy results out. Events and contexts typed by
 * `@types/aws-lambda` are accepted as they are, and the handler is assignable to its
 * `APIGatewayProxyHandler` and `APIGatewayProxyHandlerV2`.
 *
 * @example
 * export const handler: WalletLambdaHandler = lambdaHandler(createWalletApi({ service, authorizer }));
 */
export type WalletLambdaHandler = <Event extends WalletLambdaEvent>(
  event: Event,
  context?: WalletLambdaContext,
) => Promise<WalletLambdaResult<Event>>;

/**
 * An HTTP API event on a named stage carries the stage in `rawPath` (`/prod/v1/wallets`); the
 * routes are declared without it. REST API events already give the path without the stage.
 */
function withoutStagePrefix<Event extends WalletLambdaEvent>(event: Event): Event {
  if (!('rawPath' in event)) return event;
  const stage = event.requestContext.stage;
  if (!stage || stage === '$default') return event;
  const prefix = `/${stage}`;
  if (event.rawPath !== prefix && !event.rawPath.startsWith(`${prefix}/`)) return event;
  return { ...event, rawPath: event.rawPath.slice(prefix.length) || '/' };
}

/**
 * API Gateway passes along a body a client sent with GET or HEAD, but a `Request` with those
 * methods cannot have one and the adapter would answer a bare 400. Node ignores such bodies;
 * so does this.
 */
function withoutReadBody<Event extends WalletLambdaEvent>(event: Event): Event {
  const method = 'rawPath' in event ? event.requestContext.http.method : event.httpMethod;
  return (method === 'GET' || method === 'HEAD') && event.body ? { ...event, body: null } : event;
}

/**
 * Hono's adapter drops a header whose value is empty and percent-encodes one that is not ASCII,
 * so an `Idempotency-Key` of `""` would reach the app as no key (a retry applied twice) and
 * `ordér-1` as the valid key `ord%C3%A9r-1` (an alias of a key sent as such). The app must see
 * what Node shows it: each character that is not ASCII becomes a space, and an empty value a
 * space, which the adapter keeps and `Headers` trims back to empty. Either is then refused
 * (400 `VALIDATION_ERROR`), as on Node. Other headers fail closed already (a token or a
 * `Content-Type` altered so is simply not one).
 */
function withRefusableKey<Event extends WalletLambdaEvent>(event: Event): Event {
  const refusable = (value: string | undefined) =>
    value === '' || (value !== undefined && NOT_ASCII.test(value));
  const spelled = (value: string) => value.replace(NOT_ASCII_ALL, ' ') || ' ';
  let { headers, multiValueHeaders } = event as {
    headers?: Record<string, string | undefined> | null;
    multiValueHeaders?: Record<string, string[] | undefined> | null;
  };
  for (const name of Object.keys(headers ?? {})) {
    if (name.toLowerCase() === 'idempotency-key' && refusable(headers![name])) {
      headers = { ...headers, [name]: spelled(headers![name]!) };
    }
  }
  for (const name of Object.keys(multiValueHeaders ?? {})) {
    const values = multiValueHeaders![name];
    if (name.toLowerCase() === 'idempotency-key' && values?.some(refusable)) {
      multiValueHeaders = {
        ...multiValueHeaders,
        [name]: values.map((value) => (refusable(value) ? spelled(value) : value)),
      };
    }
  }
  const before = event as { headers?: unknown; multiValueHeaders?: unknown };
  if (headers === before.headers && multiValueHeaders === before.multiValueHeaders) return event;
  return { ...event, headers, ...(multiValueHeaders ? { multiValueHeaders } : {}) } as Event;
}

const NOT_ASCII = /[\u0080-\uffff]/;
const NOT_ASCII_ALL = /[\u0080-\uffff]/g;

/**
 * Adapts a Hono app to Lambda behind API Gateway. The event and Lambda context reach the app
 * as its `event` and `lambdaContext` bindings (the authorizer reads them).
 *
 * @example
 * const handler = createLambdaHandler(app);
 * await handler(apiGatewayV2Event);
 */
export function createLambdaHandler(app: Pick<Hono, 'fetch'>): WalletLambdaHandler {
  // Hono's adapter declares events its own way (undefined where API Gateway sends null, a
  // `version` that REST API events lack, every Lambda context field required), but its runtime
  // reads each field null-safely and answers v2 events with `headers` and v1 events with
  // `multiValueHeaders` when they had them, which is what the declared types say. Only the
  // types are converted; the events pass through as API Gateway sent them.
  // The adapter calls only `fetch` of the app it is given.
  const handler = handle(app as Hono) as unknown as WalletLambdaHandler;
  return (event, context) =>
    handler(withRefusableKey(withoutReadBody(withoutStagePrefix(event))), context);
}
