// GET /healthz (no auth): readiness, version, uptime and ingest state, for probes and systemd.
import { Router } from 'express';

export interface HealthReport {
  status: 'ready' | 'starting' | 'stopping';
  version: string;
  uptimeSeconds: number;
  ingest: Record<string, unknown>;
  /** rows stored, and the last flush: how long it took and how many rows it changed */
  inventory: { devices: number; connections: number; lastFlush: { ms: number; devices: number; connections: number } };
  /** alerts stored, learning mode, and the last detection flush */
  detection?: { alerts: number; learning: boolean; lastFlush: { ms: number; alerts: number; events: number } };
}

export function healthRoutes(report: () => HealthReport): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json(report());
  });
  return r;
}
