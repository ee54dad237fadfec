/** The UsageError (exit 2) that `fn` throws; the test fails if it throws nothing or something else. */
import { expect } from 'vitest';
import { UsageError } from '../../src/core/errors.js';

export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}
