// Clients write paths loosely (wire-format.md §3.5): `//api/v1/devices`, `/api/v1/devices/`.
// Collapse repeated slashes and drop a trailing one before routing, so every route matches one form.
import type { RequestHandler } from 'express';

export const normalizePath: RequestHandler = (req, _res, next) => {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  let clean = path.replace(/\/{2,}/g, '/');
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1);
  if (clean !== path) req.url = clean + (q === -1 ? '' : req.url.slice(q));
  next();
};
