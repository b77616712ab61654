import type { WalletLambdaHandler } from '@wallet/http';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * A REST API (payload v1) proxy event as API Gateway sends it for `/v1/{proxy+}`, signed by
 * `userArn` when given (IAM authorization puts the caller in `requestContext.identity`).
 */
export function restApiEvent(
  method: string,
  pathAndQuery: string,
  options: { body?: unknown; userArn?: string; headers?: Record<string, string> } = {},
): Parameters<WalletLambdaHandler>[0] {
  const url = new URL(pathAndQuery, 'https://api.example.com');
  const headers: Record<string, string> = {
    host: 'api.example.com',
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  const query = Object.fromEntries(url.searchParams);
  const event: APIGatewayProxyEvent = {
    resource: '/v1/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: Object.keys(query).length === 0 ? null : query,
    multiValueQueryStringParameters:
      Object.keys(query).length === 0
        ? null
        : Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: { proxy: url.pathname.replace(/^\/v1\//, '') },
    stageVariables: null,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      authorizer: null,
      httpMethod: method,
      path: `/prod${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId: crypto.randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'proxy1',
      resourcePath: '/v1/{proxy+}',
      stage: 'prod',
      identity: {
        accessKey: null,
        accountId: options.userArn ? '123456789012' : null,
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
        userAgent: 'vitest',
        userArn: options.userArn ?? null,
      },
    },
  };
  // @types/aws-lambda says `null` where hono's event type says `undefined` for absent maps;
  // API Gateway sends null, so the event is built as sent and handed over as hono's type.
  return event as unknown as Parameters<WalletLambdaHandler>[0];
}
