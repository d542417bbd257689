// Alerts (issue 6): the sensor's GET /api/v1/alerts and /api/v2/alerts (spec §1.9, §7.1), the console
// shapes GET /external/v1|v2/alerts (§2.4) so console-side scripts work against one sensor, and alert
// handling PUT /external/v1/alerts/<UUID> and /api/v1/alerts/<id> answered like the console (§2.5).
import { Router, type Request, type RequestHandler } from 'express';
import { AppError, InputError } from '../../errors.js';
import type { AlertFilter, AlertStore, HandleAction, StoredAlert } from '../../store/alert-store.js';
import { lenientBody } from '../body.js';
import { param, wholeNumber } from '../query.js';
import { alertV1, alertV2, CONSOLE_IDS, consoleAlertV1, consoleAlertV2, sensorName } from '../serializers/alert.js';
import { principalOf } from '../token-auth.js';

export interface AlertActions {
  store: AlertStore;
  handle(alert: StoredAlert, action: HandleAction, by: string): { message: string; changed: boolean };
}

/** `type`: the two documented families, with the 2020 spelling; other values are ignored (§1.9). */
function typeFilter(req: Request): AlertFilter['type'] {
  const t = param(req, 'type')?.toLowerCase().replace(/_/g, ' ');
  return t === 'unexpected new devices' || t === 'disconnections' ? t : undefined;
}

function timeFilter(req: Request, f: AlertFilter): AlertFilter {
  const from = wholeNumber(req, 'fromTime');
  const to = wholeNumber(req, 'toTime');
  if (from !== undefined) f.fromTime = from;
  if (to !== undefined) f.toTime = to;
  return f;
}

export function alertRoutes(actions: AlertActions, anyRole: RequestHandler, analyst: RequestHandler): Router {
  const r = Router();
  const sensorList = (req: Request): StoredAlert[] => {
    // the sensor: a state other than handled/unhandled is a bad request (one draft's "returns an error message")
    const state = param(req, 'state');
    if (state !== undefined && state !== 'handled' && state !== 'unhandled') throw new InputError(`state must be handled or unhandled, not ${JSON.stringify(state)}`);
    return actions.store.list(timeFilter(req, { state, type: typeFilter(req) }));
  };
  r.get('/api/v1/alerts', anyRole, (req, res) => { res.json(sensorList(req).map(alertV1)); });
  r.get('/api/v2/alerts', anyRole, (req, res) => { res.json(sensorList(req).map(alertV2)); });

  const consoleList = (req: Request): StoredAlert[] => {
    // the console: "All other values are ignored" (§2.4); sensor may come as sensorId or sensor (§7.2 #7)
    const s = param(req, 'state');
    const state = s === 'handled' || s === 'unhandled' ? s : undefined;
    const f = timeFilter(req, { state });
    for (const [name, value] of [['siteId', CONSOLE_IDS.siteId], ['zoneId', CONSOLE_IDS.zoneId], ['sensorId', CONSOLE_IDS.sensorId], ['sensor', CONSOLE_IDS.sensorId]] as const) {
      const v = wholeNumber(req, name);
      if (v !== undefined && v !== value) return [];
    }
    return actions.store.list(f);
  };
  r.get('/external/v1/alerts', anyRole, (req, res) => { res.json(consoleList(req).map(consoleAlertV1)); });
  r.get('/external/v2/alerts', anyRole, (req, res) => {
    const name = sensorName();
    res.json(consoleList(req).map((a) => consoleAlertV2(a, name)));
  });

  const handle: RequestHandler = (req, res) => {
    const body = req.body as { action?: unknown } | undefined;
    const action = body?.action;
    // the console's answers, statuses included (§2.5 table): errors are 500 with {"error": ...}
    if (action !== 'handle' && action !== 'handleAndLearn') throw new AppError('Invalid action', 500);
    const alert = actions.store.find(req.params.ref as string);
    if (!alert) throw new AppError("Couldn't execute request because no alert was found for this UUID.", 500);
    const who = principalOf(res);
    const { message } = actions.handle(alert, action, `token:${who.tokenId}`);
    res.json({ content: message });
  };
  // the docs' curl sends the JSON with curl -d, i.e. as a form content type: read it either way
  r.put('/external/v1/alerts/:ref', analyst, lenientBody, handle);
  r.put('/api/v1/alerts/:ref', analyst, lenientBody, handle);
  return r;
}
