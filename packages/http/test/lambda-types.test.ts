import { httpApiEvent, lambdaContext, restApiEvent } from '@wallet/testing';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyHandler,
  APIGatewayProxyHandlerV2,
  APIGatewayProxyHandlerV2WithIAMAuthorizer,
  APIGatewayProxyHandlerV2WithJWTAuthorizer,
  APIGatewayProxyHandlerV2WithLambdaAuthorizer,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  APIGatewayProxyWithCognitoAuthorizerHandler,
  APIGatewayProxyWithLambdaAuthorizerHandler,
  Context,
} from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  HttpApiProxyEvent,
  HttpApiProxyResult,
  RestApiProxyEvent,
  RestApiProxyResult,
  WalletLambdaContext,
  WalletLambdaHandler,
  WalletLambdaResult,
} from '../src/aws-lambda.js';

// Checked by `tsc` (the package's typecheck); at run time these tests only pass.
describe('Lambda handler types', () => {
  it('is a REST API (v1) handler of @types/aws-lambda, whatever the authorizer', () => {
    expectTypeOf<WalletLambdaHandler>().toExtend<APIGatewayProxyHandler>();
    expectTypeOf<WalletLambdaHandler>().toExtend<APIGatewayProxyWithCognitoAuthorizerHandler>();
    expectTypeOf<WalletLambdaHandler>().toExtend<
      APIGatewayProxyWithLambdaAuthorizerHandler<{ scopes: string }>
    >();
  });

  it('is an HTTP API (v2) handler of @types/aws-lambda, whatever the authorizer', () => {
    expectTypeOf<WalletLambdaHandler>().toExtend<APIGatewayProxyHandlerV2>();
    expectTypeOf<WalletLambdaHandler>().toExtend<APIGatewayProxyHandlerV2WithJWTAuthorizer>();
    expectTypeOf<WalletLambdaHandler>().toExtend<APIGatewayProxyHandlerV2WithIAMAuthorizer>();
    expectTypeOf<WalletLambdaHandler>().toExtend<
      APIGatewayProxyHandlerV2WithLambdaAuthorizer<{ scopes: string; playerId: string }>
    >();
  });

  it('takes @types/aws-lambda v1 and v2 events and a Lambda context without casts', () => {
    const request = { method: 'GET', path: '/v1/wallets/p1' };
    expectTypeOf<WalletLambdaHandler>().toBeCallableWith(restApiEvent(request), lambdaContext());
    expectTypeOf<WalletLambdaHandler>().toBeCallableWith(httpApiEvent(request), lambdaContext());
    expectTypeOf<APIGatewayProxyEvent>().toExtend<RestApiProxyEvent>();
    expectTypeOf<APIGatewayProxyEventV2>().toExtend<HttpApiProxyEvent>();
    expectTypeOf<Context>().toExtend<WalletLambdaContext>();
  });

  it('answers each event version with its own result type', () => {
    expectTypeOf<WalletLambdaResult<APIGatewayProxyEvent>>().toEqualTypeOf<RestApiProxyResult>();
    expectTypeOf<WalletLambdaResult<APIGatewayProxyEventV2>>().toEqualTypeOf<HttpApiProxyResult>();
    expectTypeOf<RestApiProxyResult>().toExtend<APIGatewayProxyResult>();
    expectTypeOf<HttpApiProxyResult>().toExtend<APIGatewayProxyStructuredResultV2>();
  });
});
