// Error classes shared by the services and the faces. The API's one error handler (api/errors.ts)
// maps them to status codes; the CLI maps them to messages and exit codes.

export class AppError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or a value is out of range. */
export class InputError extends AppError { constructor(m: string) { super(m, 400); } }
/** 401: no credential, or one that is not valid. */
export class UnauthorizedError extends AppError { constructor(m: string) { super(m, 401); } }
/** 403: a valid credential that may not do this. */
export class ForbiddenError extends AppError { constructor(m: string) { super(m, 403); } }
/** 404: the thing named does not exist. */
export class NotFoundError extends AppError { constructor(m: string) { super(m, 404); } }
/** 409: the thing already exists, or the change would break an invariant. */
export class ConflictError extends AppError { constructor(m: string) { super(m, 409); } }
/** 429: too many failures; try again after `retryAfter` seconds. */
export class ThrottledError extends AppError {
  constructor(m: string, readonly retryAfter: number) { super(m, 429); }
}
