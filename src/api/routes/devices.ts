// Device inventory and connections (spec §1.4-1.6), served from the stored API objects. Bodies are
// built once per inventory version and reused until the next write, so a full dump costs a string
// send, not a query and a join, while the ingest keeps writing (issue 5: no request waits on a flush).
import { Router, type Request, type RequestHandler } from 'express';
import { param, wholeNumber } from '../query.js';
import { InputError, NotFoundError } from '../../errors.js';
import type { ConnectionFilter, InventoryStore } from '../../store/inventory-store.js';

function connectionFilter(req: Request): ConnectionFilter {
  const f: ConnectionFilter = {};
  const before = wholeNumber(req, 'discoveredBefore');
  const after = wholeNumber(req, 'discoveredAfter');
  const minutes = wholeNumber(req, 'lastActiveInMinutes');
  if (before !== undefined) f.discoveredBefore = before;
  if (after !== undefined) f.discoveredAfter = after;
  if (minutes !== undefined) f.lastActiveInMinutes = minutes;
  return f;
}

export function deviceRoutes(store: InventoryStore, anyRole: RequestHandler): Router {
  const r = Router();
  r.use('/api/v1/devices', anyRole);
  // bodies are kept encoded: a 40 MB connections dump is then sent, not re-encoded, per request
  const cache = new Map<string, { version: number; body: Buffer }>();
  const cached = (key: string, build: () => string): Buffer => {
    const version = store.version();
    const hit = cache.get(key);
    if (hit && hit.version === version) return hit.body;
    const body = Buffer.from(build());
    if (cache.size > 64) cache.clear(); // filters with times make many keys; keep the memory bounded
    cache.set(key, { version, body });
    return body;
  };
  const send = (res: Parameters<RequestHandler>[1], body: Buffer) => res.type('application/json').send(body);

  r.get('/api/v1/devices', (req, res) => {
    const v = param(req, 'authorized');
    if (v !== undefined && v !== 'true' && v !== 'false') throw new InputError(`authorized must be true or false, not ${JSON.stringify(v)}`);
    const authorized = v === undefined ? undefined : v === 'true';
    send(res, cached(`d${v ?? ''}`, () => store.devicesJson(authorized)));
  });

  r.get('/api/v1/devices/connections', (req, res) => {
    const f = connectionFilter(req);
    // lastActiveInMinutes counts back from the sensor clock: capture time in a replay (issue 6 §events)
    const now = store.clock(Date.now());
    send(res, cached(`c${JSON.stringify(f)}${f.lastActiveInMinutes !== undefined ? now : ''}`, () => store.connectionsJson(f, now)));
  });

  r.get('/api/v1/devices/:deviceId/connections', (req, res) => {
    const raw = req.params.deviceId as string;
    if (!/^\d{1,9}$/.test(raw)) throw new InputError(`deviceId must be a device id (a whole number), not ${JSON.stringify(raw)}`);
    const id = Number(raw);
    if (!store.hasDevice(id)) throw new NotFoundError(`no device with id ${id}`);
    const f = { ...connectionFilter(req), deviceId: id };
    const now = store.clock(Date.now());
    send(res, cached(`c${JSON.stringify(f)}${f.lastActiveInMinutes !== undefined ? now : ''}`, () => store.connectionsJson(f, now)));
  });
  return r;
}
