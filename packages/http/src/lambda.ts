import type { Env, Hono } from 'hono';
import {
  type APIGatewayProxyResult,
  handle,
  type LambdaContext,
  type LambdaEvent,
} from 'hono/aws-lambda';

/**
 * An AWS Lambda handler for API Gateway proxy integrations: REST API (payload v1) and HTTP API
 * (payload v2) events in, proxy results out.
 *
 * @example
 * export const handler: WalletLambdaHandler = createWalletApi({ service, authorizer }).lambdaHandler;
 */
export type WalletLambdaHandler = (
  event: LambdaEvent,
  context?: LambdaContext,
) => Promise<APIGatewayProxyResult>;

/**
 * An HTTP API event on a named stage carries the stage in `rawPath` (`/prod/v1/wallets`); the
 * routes are declared without it. REST API events already give the path without the stage.
 */
function withoutStagePrefix(event: LambdaEvent): LambdaEvent {
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
function withoutReadBody(event: LambdaEvent): LambdaEvent {
  const method =
    'httpMethod' in event
      ? event.httpMethod
      : 'rawPath' in event
        ? event.requestContext.http.method
        : undefined;
  return (method === 'GET' || method === 'HEAD') && event.body ? { ...event, body: null } : event;
}

/**
 * Adapts a Hono app to Lambda behind API Gateway. The event and Lambda context reach the app
 * as its `event` and `lambdaContext` bindings (the authorizer reads them).
 *
 * @example
 * const handler = createLambdaHandler(app);
 * await handler(apiGatewayV2Event);
 */
export function createLambdaHandler<E extends Env>(app: Hono<E>): WalletLambdaHandler {
  const handler = handle(app);
  return (event, context) => handler(withoutReadBody(withoutStagePrefix(event)), context);
}
