// Bodies for the auth APIs. The docs' own curl examples send JSON with and without a JSON content type
// (curl -d defaults to form encoding), and form posts are accepted too (spec §1.1-1.3, wire-format §2).
import express, { type RequestHandler } from 'express';
import { InputError } from '../errors.js';

const readText = express.text({ type: () => true, limit: '16kb' });

export const lenientBody: RequestHandler = (req, res, next) => {
  readText(req, res, (err?: unknown) => {
    if (err) return next(err);
    const text = typeof req.body === 'string' ? req.body.trim() : '';
    const type = req.headers['content-type'] ?? '';
    try {
      if (text === '') req.body = {};
      else if (type.includes('json') || text.startsWith('{')) req.body = parseJsonObject(text);
      else req.body = Object.fromEntries(new URLSearchParams(text));
    } catch (e) {
      return next(e);
    }
    next();
  });
};

function parseJsonObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(`request body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError('request body must be a JSON object');
  return v as Record<string, unknown>;
}

/** The named string fields of a parsed body; a missing or non-string field is a 400 naming it. */
export function stringFields<K extends string>(body: unknown, required: readonly K[]): Record<K, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const k of required) {
    const v = b[k];
    if (typeof v !== 'string' || v.length === 0) throw new InputError(`missing field '${k}'`);
    out[k] = v;
  }
  return out;
}
