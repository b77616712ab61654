import type {
  APIGatewayEventRequestContextWithAuthorizer,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  Context,
} from 'aws-lambda';

const DOMAIN = 'k3x9q1w2e4.execute-api.eu-west-1.amazonaws.com';
let sequence = 0;

export interface EventInput {
  method: string;
  /** Path and query, e.g. `/v1/wallets/p1/transactions?limit=2`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
}

/** An API Gateway REST API (payload v1) proxy event, as API Gateway sends it. */
export function restApiEvent(
  input: EventInput,
  context: Partial<APIGatewayEventRequestContextWithAuthorizer<Record<string, unknown>>> = {},
): APIGatewayProxyEvent {
  const url = new URL(input.path, `https://${DOMAIN}`);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Host: DOMAIN,
    'User-Agent': 'game-server/3.2',
    'X-Amzn-Trace-Id': 'Root=1-6747a8b0-3c1f0e2d4b5a697887766554',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...input.headers,
  };
  const query = [...url.searchParams.keys()];
  const requestId = `c6af9ac6-7b61-11e6-9a41-93e8deadbe${String(++sequence).padStart(2, '0')}`;
  return {
    resource: url.pathname,
    path: url.pathname,
    httpMethod: input.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query.length ? Object.fromEntries(url.searchParams) : null,
    multiValueQueryStringParameters: query.length
      ? Object.fromEntries(query.map((key) => [key, url.searchParams.getAll(key)]))
      : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'k3x9q1w2e4',
      authorizer: null,
      domainName: DOMAIN,
      domainPrefix: 'k3x9q1w2e4',
      extendedRequestId: 'BQGojGp2joEFmhQ=',
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'game-server/3.2',
        userArn: null,
      },
      path: `/prod${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: '27/Nov/2026:17:00:00 +0000',
      requestTimeEpoch: 1795798800000,
      resourceId: 'x1y2z3',
      resourcePath: url.pathname,
      stage: 'prod',
      ...context,
    },
    body:
      input.body === undefined
        ? null
        : input.base64
          ? Buffer.from(input.body).toString('base64')
          : input.body,
    isBase64Encoded: input.base64 ?? false,
  };
}

/** An API Gateway HTTP API (payload v2) proxy event, as API Gateway sends it. */
export function httpApiEvent(
  input: EventInput,
  options: { stage?: string; authorizer?: Record<string, unknown> } = {},
): APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } {
  const url = new URL(input.path, `https://${DOMAIN}`);
  const stage = options.stage ?? '$default';
  const rawPath = stage === '$default' ? url.pathname : `/${stage}${url.pathname}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.slice(1),
    headers: {
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(input.body ?? '')),
      host: DOMAIN,
      'user-agent': 'game-server/3.2',
      'x-amzn-trace-id': 'Root=1-6747a8b0-3c1f0e2d4b5a697887766554',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...Object.fromEntries(
        Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    },
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'k3x9q1w2e4',
      domainName: DOMAIN,
      domainPrefix: 'k3x9q1w2e4',
      http: {
        method: input.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'game-server/3.2',
      },
      requestId: `JKJaXmPLvHcESHA${++sequence}=`,
      routeKey: '$default',
      stage,
      time: '27/Nov/2026:17:00:00 +0000',
      timeEpoch: 1795798800000,
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    },
    ...(input.body === undefined
      ? {}
      : { body: input.base64 ? Buffer.from(input.body).toString('base64') : input.body }),
    isBase64Encoded: input.base64 ?? false,
  };
}

/** The Lambda context the runtime passes. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'wallet-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:wallet-api',
    memoryLimitInMB: '512',
    awsRequestId: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
    logGroupName: '/aws/lambda/wallet-api',
    logStreamName: '2026/11/27/[$LATEST]a1b2c3d4e5f6',
    getRemainingTimeInMillis: () => 29000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
