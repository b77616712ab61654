import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { errorName, isThrottling } from '../src/index.js';

const $metadata = {};

describe('isThrottling', () => {
  it("is true for the SDK's throttling exceptions", () => {
    expect(isThrottling(new ThrottlingException({ message: 'slow', $metadata }))).toBe(true);
    expect(
      isThrottling(new ProvisionedThroughputExceededException({ message: 'slow', $metadata })),
    ).toBe(true);
    expect(isThrottling(new RequestLimitExceeded({ message: 'slow', $metadata }))).toBe(true);
  });

  it('is false for every other error and for values that are not errors', () => {
    expect(isThrottling(new InternalServerError({ message: 'oops', $metadata }))).toBe(false);
    expect(isThrottling(new ConditionalCheckFailedException({ message: 'no', $metadata }))).toBe(
      false,
    );
    expect(isThrottling({ name: 'ThrottlingException' })).toBe(false);
    expect(isThrottling('ThrottlingException')).toBe(false);
    expect(errorName({ name: 'ThrottlingException' })).toBeUndefined();
  });
});
