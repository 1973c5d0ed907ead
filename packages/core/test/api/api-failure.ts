/** What the HTTP layer's tests expect of a request that must fail. */
import { expect } from 'vitest';
import { ApiError } from '../../src/errors.js';

/** The ApiError `promise` is rejected with; the test fails when it resolves, or rejects with anything else. */
export async function apiFailure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}
