/** A model was asked for with impossible sizes or a mask of the wrong shape. */
export class BadModelConfigError extends Error {
  override name = 'BadModelConfigError';
}
