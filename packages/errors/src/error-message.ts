import {UserError} from './user-error';

/** An error as plain data: what `postMessage` can carry between threads or processes. */
export interface ErrorMessage {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly userError: boolean;
  readonly option?: string;
  readonly file?: string;
}

/**
 * An error as plain data (structured clone drops an Error's own fields and its class).
 *
 * ```ts
 * port.postMessage({type: 'error', error: errorToMessage(err)});
 * ```
 */
export function errorToMessage(err: unknown): ErrorMessage {
  if (!(err instanceof Error)) return {name: 'Error', message: String(err), userError: false};
  const e = err as Error & {userError?: unknown; option?: unknown; file?: unknown};
  return {
    name: e.name, message: e.message, userError: e.userError === true,
    ...(e.stack === undefined ? {} : {stack: e.stack}),
    ...(typeof e.option === 'string' ? {option: e.option} : {}),
    ...(typeof e.file === 'string' ? {file: e.file} : {}),
  };
}

/**
 * The error back from `errorToMessage`: a `UserError` (with the original name, option and file)
 * when it was one, else a plain `Error` with the original name and stack.
 */
export function errorFromMessage(msg: ErrorMessage): Error {
  const err = msg.userError
    ? new UserError(msg.message, {
      ...(msg.option === undefined ? {} : {option: msg.option}),
      ...(msg.file === undefined ? {} : {file: msg.file}),
    })
    : new Error(msg.message);
  err.name = msg.name;
  if (msg.stack !== undefined) err.stack = msg.stack;
  return err;
}
