// The shared error classes (see @encoderless/errors): `BadConfigError` for a setting,
// `BadDataError` for data in memory or a corrupt table file, `InternalError` for a bug.
export {BadConfigError, BadDataError, InternalError} from '@encoderless/errors';
