export {UserError, BadConfigError, BadDataError, BadDataFileError, MissingBackendError, InternalError, isUserError} from './user-error';
export type {ErrorDetails} from './user-error';
export {describe} from './describe';
export {errorToMessage, errorFromMessage} from './error-message';
export type {ErrorMessage} from './error-message';
