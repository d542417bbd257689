// Query parameters as the docs' examples send them: an empty value is the same as none (§1.10's
// `?type=REMOTE_ACCESS&minutesTimeFrame`), a repeated one is an error, numbers are whole numbers.
import type { Request } from 'express';
import { InputError } from '../errors.js';

export function param(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new InputError(`${name} must be given once`);
  return v;
}

export function wholeNumber(req: Request, name: string): number | undefined {
  const v = param(req, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new InputError(`${name} must be a whole number, not ${JSON.stringify(v)}`);
  return Number(v);
}
