import {BadConfigError, describe} from '@encoderless/errors';

export {describe};

/**
 * The one error a load computation throws: an argument that cannot describe a model or a data
 * set (a sample count of 0, a fractional dimension, a target load no N can reach). The message
 * names the function, the argument, what was expected and what came.
 */
export class BadLoadArgumentError extends BadConfigError {
  override name = 'BadLoadArgumentError';
}

/** `value` must be a positive safe integer. Returns it. */
export function checkCount(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new BadLoadArgumentError(`${fn}: ${arg} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** `value` must be a finite number > 0. Returns it. */
export function checkPositive(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new BadLoadArgumentError(`${fn}: ${arg} must be a finite number > 0, got ${describe(value)}`);
  }
  return value;
}

/** The latent dimension m must not exceed the data dimension n, or there is nothing to compress. */
export function checkLatentWithinData(fn: string, dataDim: number, latentDim: number): void {
  if (latentDim > dataDim) {
    throw new BadLoadArgumentError(
      `${fn}: latentDim must be at most dataDim (${dataDim}), got ${latentDim}`);
  }
}

