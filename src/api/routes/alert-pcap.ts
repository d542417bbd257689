// Alert PCAPs (issue 6; spec §1.16, §2.7): GET /api/v2/alerts/pcap/<id> returns the alert's capture or
// {"error": "PCAP file is not available"}; it accepts a token with enough role (Security Analyst or
// Admin may download PCAPs, §6.2) or the one-time download token that the console-style request
// GET /external/v2/alerts/pcap/<id> mints, so a client written for the console hand-off works here.
import { Router, type Request, type RequestHandler } from 'express';
import { PcapTokens } from '../../auth/pcap-tokens.js';
import { AppError, InputError, NotFoundError, UnauthorizedError } from '../../errors.js';
import type { AlertStore } from '../../store/alert-store.js';
import type { AlertPcapStore } from '../../store/alert-pcaps.js';
import { CONSOLE_IDS } from '../serializers/alert.js';
import { extractToken } from '../token-auth.js';

function alertId(req: Request): number {
  const raw = req.params.id as string;
  if (!/^\d{1,15}$/.test(raw)) throw new InputError(`the alert id must be a whole number, not ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function alertPcapRoutes(store: AlertStore, pcaps: AlertPcapStore, tokens: PcapTokens, analyst: RequestHandler): Router {
  const r = Router();
  r.get('/api/v2/alerts/pcap/:id', (req, res, next) => {
    const id = alertId(req);
    const raw = extractToken(req.get('authorization'));
    if (raw && PcapTokens.looksLikeOne(raw)) {
      const outcome = tokens.redeem(raw, id, Date.now());
      if (outcome !== 'ok') throw new UnauthorizedError(`the PCAP download token is ${outcome === 'unknown' ? 'not known' : outcome === 'other-alert' ? 'for another alert' : outcome}`);
      return send(id, res);
    }
    analyst(req, res, (err?: unknown) => (err ? next(err) : send(id, res)));
  });

  const send = (id: number, res: Parameters<RequestHandler>[1]) => {
    const file = store.get(id) ? pcaps.read(id) : null;
    if (!file) throw new NotFoundError('PCAP file is not available');
    res.set('Content-Type', 'application/vnd.tcpdump.pcap');
    res.set('Content-Disposition', `attachment; filename="alert_${id}.pcap"`);
    res.send(file);
  };

  r.get('/external/v2/alerts/pcap/:id', analyst, (req, res) => {
    const id = alertId(req);
    // the console's answer for an unknown alert (§2.7): 500 {"error": "alert not found"}
    if (!store.get(id)) throw new AppError('alert not found', 500);
    const token = tokens.mint(id, Date.now());
    const host = req.get('host') ?? 'localhost';
    res.json({ downloadUrl: `https://${host}/api/v2/alerts/pcap/${id}`, xsenseId: CONSOLE_IDS.sensorId, token, id, xsenseAlertId: id });
  });
  return r;
}
