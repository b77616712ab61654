import { randomBytes, randomUUID } from 'node:crypto';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2WithRequestContext,
  Context,
} from 'aws-lambda';

const API_ID = 'k3x9q1w2e4';
const DOMAIN = `${API_ID}.execute-api.eu-west-1.amazonaws.com`;
const SOURCE_IP = '203.0.113.7';
const USER_AGENT = 'game-server/3.2';
const REQUEST_TIME = '27/Nov/2026:17:00:00 +0000';
const REQUEST_TIME_EPOCH = 1795798800000;

/**
 * One HTTP request, to be wrapped in the API Gateway event that would carry it.
 *
 * @example
 * const request: ApiGatewayRequest = { method: 'POST', path: '/v1/wallets', json: { accountId: 'p1' } };
 */
export interface ApiGatewayRequest {
  /** The HTTP method, e.g. `GET`. */
  method: string;
  /** Path and query, e.g. `/v1/wallets/p1/transactions?limit=2`. */
  path: string;
  /** Headers to send, beside those API Gateway adds (`Host`, `User-Agent`, ...). */
  headers?: Record<string, string>;
  /** Sent as is. */
  body?: string;
  /** Sent as JSON, with `Content-Type: application/json` unless `headers` has one. */
  json?: unknown;
  /** Whether API Gateway base64-encoded the body, as it does for binary media types. */
  base64?: boolean;
}

function bodyOf(request: ApiGatewayRequest): string | undefined {
  return request.json === undefined ? request.body : JSON.stringify(request.json);
}

function headersOf(request: ApiGatewayRequest): Record<string, string> {
  const headers = request.headers ?? {};
  const typed = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return request.json === undefined || typed
    ? headers
    : { 'Content-Type': 'application/json', ...headers };
}

function encoded(body: string, base64: boolean | undefined): string {
  return base64 ? Buffer.from(body).toString('base64') : body;
}

/**
 * A REST API (payload v1) proxy event for `/{proxy+}` on stage `prod`, as API Gateway sends it:
 * `null` for absent maps, every header in `multiValueHeaders` too. `userArn` signs it as that
 * IAM caller, as on a method with IAM authorization.
 *
 * @example
 * const event = restApiEvent({ method: 'GET', path: '/v1/wallets/p1' }, { userArn: 'arn:aws:sts::123456789012:assumed-role/game-backend/s1' });
 * const result = await handler(event, lambdaContext());
 */
export function restApiEvent(
  request: ApiGatewayRequest,
  options: { userArn?: string } = {},
): APIGatewayProxyEvent {
  const url = new URL(request.path, `https://${DOMAIN}`);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Host: DOMAIN,
    'User-Agent': USER_AGENT,
    'X-Amzn-Trace-Id': 'Root=1-6747a8b0-3c1f0e2d4b5a697887766554',
    'X-Forwarded-For': SOURCE_IP,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...headersOf(request),
  };
  const keys = [...new Set(url.searchParams.keys())];
  const body = bodyOf(request);
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    // API Gateway keeps the last value of a repeated key here, and all of them below.
    queryStringParameters: keys.length ? Object.fromEntries(url.searchParams) : null,
    multiValueQueryStringParameters: keys.length
      ? Object.fromEntries(keys.map((key) => [key, url.searchParams.getAll(key)]))
      : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: API_ID,
      authorizer: null,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      extendedRequestId: 'BQGojGp2joEFmhQ=',
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: options.userArn ? (options.userArn.split(':')[4] ?? null) : null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: SOURCE_IP,
        user: null,
        userAgent: USER_AGENT,
        userArn: options.userArn ?? null,
      },
      path: `/prod${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: REQUEST_TIME,
      requestTimeEpoch: REQUEST_TIME_EPOCH,
      resourceId: 'x1y2z3',
      resourcePath: '/{proxy+}',
      stage: 'prod',
    },
    body: body === undefined ? null : encoded(body, request.base64),
    isBase64Encoded: request.base64 ?? false,
  };
}

/**
 * An HTTP API (payload v2) proxy event for the `$default` route, as API Gateway sends it:
 * lower-case headers, the stage in `rawPath` on a stage other than `$default`, and the route
 * authorizer's context (`{ lambda }`, `{ jwt }` or `{ iam }`) when one is given.
 *
 * @example
 * const event = httpApiEvent({ method: 'GET', path: '/v1/wallets/p2' }, { authorizer: { lambda: { scopes: 'read' } } });
 * const result = await handler(event, lambdaContext());
 */
export function httpApiEvent<Authorizer = never>(
  request: ApiGatewayRequest,
  options: { stage?: string; authorizer?: Authorizer } = {},
): APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & {
    /** The route authorizer's context, when one is given. */
    authorizer?: Authorizer;
  }
> {
  const url = new URL(request.path, `https://${DOMAIN}`);
  const stage = options.stage ?? '$default';
  const rawPath = stage === '$default' ? url.pathname : `/${stage}${url.pathname}`;
  const keys = [...new Set(url.searchParams.keys())];
  const body = bodyOf(request);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.slice(1),
    headers: {
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(body ?? '')),
      host: DOMAIN,
      'user-agent': USER_AGENT,
      'x-amzn-trace-id': 'Root=1-6747a8b0-3c1f0e2d4b5a697887766554',
      'x-forwarded-for': SOURCE_IP,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...Object.fromEntries(
        Object.entries(headersOf(request)).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    },
    // Unlike REST APIs, HTTP APIs join the values of a repeated key with commas.
    ...(keys.length
      ? {
          queryStringParameters: Object.fromEntries(
            keys.map((key) => [key, url.searchParams.getAll(key).join(',')]),
          ),
        }
      : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: API_ID,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: SOURCE_IP,
        userAgent: USER_AGENT,
      },
      // HTTP API request ids are 15 characters and a `=`.
      requestId: randomBytes(11).toString('base64'),
      routeKey: '$default',
      stage,
      time: REQUEST_TIME,
      timeEpoch: REQUEST_TIME_EPOCH,
      ...(options.authorizer === undefined ? {} : { authorizer: options.authorizer }),
    },
    ...(body === undefined ? {} : { body: encoded(body, request.base64) }),
    isBase64Encoded: request.base64 ?? false,
  };
}

/**
 * The Lambda context the Node.js runtime passes to a function named `wallet-api`.
 *
 * @example
 * const result = await handler(restApiEvent({ method: 'GET', path: '/healthz' }), lambdaContext());
 */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'wallet-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:wallet-api',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/wallet-api',
    logStreamName: '2026/11/27/[$LATEST]a1b2c3d4e5f6',
    getRemainingTimeInMillis: () => 29000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
