// The one error handler: maps error classes to status codes and JSON bodies. Routes throw; nothing
// else writes an error response. Two body shapes, as the sensor has them (spec §0.1):
//   auth APIs:  {"error": {"userDisplayErrorMessage": "...", "internalSystemErrorMessage": "..."}}
//   all others: {"error": "..."}
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, NotFoundError, ThrottledError } from '../errors.js';

/** An error from the auth APIs whose display text differs from the detail (spec §1.3 sample). */
export class AuthApiError extends AppError {
  constructor(readonly display: string, status: number, readonly internal: string | null = null) {
    super(display, status);
  }
}

export function useAuthErrorShape(res: Response): void {
  res.locals.authErrorShape = true;
}

export const notFound: RequestHandler = (req) => {
  throw new NotFoundError(`no such endpoint: ${req.method} ${req.path}`);
};

interface BodyParserError { type?: string; status?: number; message: string }

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let message = 'Operation failed';
    let internal: string | null = null;
    if (err instanceof AppError) {
      status = err.status;
      message = err.message;
      if (err instanceof AuthApiError) internal = err.internal;
      if (err instanceof ThrottledError) res.setHeader('Retry-After', String(err.retryAfter));
    } else if (isBodyParserError(err)) {
      status = err.status ?? 400;
      message = err.type === 'entity.parse.failed' ? `request body is not valid JSON: ${err.message}`
        : err.type === 'entity.too.large' ? 'request body too large'
        : err.message;
    } else {
      log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    }
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="otsensor"');
    if (res.headersSent) return;
    const body = res.locals.authErrorShape
      ? { error: internal ? { userDisplayErrorMessage: message, internalSystemErrorMessage: internal } : { userDisplayErrorMessage: message } }
      : { error: message };
    res.status(status).json(body);
  };
}

// body-parser raises http-errors: 4xx with `expose` set (bad JSON, too large, bad charset).
function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as { status?: unknown; expose?: unknown } | null;
  return typeof e === 'object' && e !== null && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}
