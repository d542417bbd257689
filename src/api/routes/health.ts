// GET /healthz (no auth): readiness, version, uptime and ingest state, for probes and systemd.
import { Router } from 'express';

export interface HealthReport {
  status: 'ready' | 'starting' | 'stopping';
  version: string;
  uptimeSeconds: number;
  ingest: Record<string, unknown>;
}

export function healthRoutes(report: () => HealthReport): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json(report());
  });
  return r;
}
