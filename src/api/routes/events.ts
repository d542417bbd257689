// The event timeline (issue 6; spec §1.10): GET /api/v1/events, newest first, at most 100, within the
// last `minutesTimeFrame` minutes (clamped to 4320) of the sensor clock — capture time in a replay.
// An unknown `type` is ignored (no filter), as documented. No hour-long response cache: answers are
// always current (the docs allow either).
import { Router, type RequestHandler } from 'express';
import { eventTypes } from '../../analyzers/detection/catalog.js';
import type { EventStore } from '../../store/event-store.js';
import { param, wholeNumber } from '../query.js';

export function eventRoutes(events: EventStore, anyRole: RequestHandler): Router {
  const r = Router();
  r.get('/api/v1/events', anyRole, (req, res) => {
    const minutes = wholeNumber(req, 'minutesTimeFrame');
    const t = param(req, 'type');
    const type = t !== undefined && eventTypes().has(t.toUpperCase()) ? t.toUpperCase() : null;
    res.json(events.list(events.since(minutes, Date.now()), type));
  });
  return r;
}
