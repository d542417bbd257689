// The express application: path normalisation, request log, routes, 404, the one error handler.
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { LoginGuard } from '../auth/login.js';
import type { Throttle } from '../auth/throttle.js';
import type { TokenService } from '../auth/tokens.js';
import type { UserService } from '../auth/users.js';
import type { ConfigStore } from '../store/config-store.js';
import { errorHandler, notFound } from './errors.js';
import { normalizePath } from './normalize-path.js';
import { apiTokenRoutes } from './routes/api-tokens.js';
import { deviceRoutes } from './routes/devices.js';
import type { InventoryStore } from '../store/inventory-store.js';
import { authenticationRoutes } from './routes/authentication.js';
import { healthRoutes, type HealthReport } from './routes/health.js';
import { principalOf, requireRole } from './token-auth.js';
import { throttleRule } from '../auth/throttle.js';
import { PcapTokens } from '../auth/pcap-tokens.js';
import type { AlertPcapStore } from '../store/alert-pcaps.js';
import { alertPcapRoutes } from './routes/alert-pcap.js';
import { alertRoutes, type AlertActions } from './routes/alerts.js';
import { eventRoutes } from './routes/events.js';

export interface ApiDeps {
  users: UserService;
  tokens: TokenService;
  guard: LoginGuard;
  throttle: Throttle;
  config: ConfigStore;
  log: Logger;
  health: () => HealthReport;
  inventory: InventoryStore;
  /** alerts, their handling and PCAPs (issue 6) */
  alerts: AlertActions & { pcaps: AlertPcapStore };
}

export function buildApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(normalizePath);
  app.use((req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const principal = res.locals.principal ? principalOf(res) : undefined;
      deps.log.info({ method: req.method, path: req.path, status: res.statusCode, ms: +(performance.now() - start).toFixed(1),
        client: req.socket.remoteAddress, token: principal?.tokenId }, 'request');
    });
    next();
  });

  const tokenRule = () => {
    const t = deps.config.data.settings.throttle;
    return throttleRule(t, t.tokenFailures);
  };
  const adminOnly = requireRole(deps.tokens, deps.throttle, tokenRule, 'admin');
  // every role may read the inventory (spec §6.2: Read Only users see devices and connections)
  const anyRole = requireRole(deps.tokens, deps.throttle, tokenRule, 'read-only');

  app.use(healthRoutes(deps.health));
  app.use(authenticationRoutes(deps.users, deps.guard));
  app.use(apiTokenRoutes(deps.tokens, adminOnly));
  app.use(deviceRoutes(deps.inventory, anyRole));
  // managing alerts and downloading their PCAPs takes Security Analyst or Admin (spec §6.2)
  const analyst = requireRole(deps.tokens, deps.throttle, tokenRule, 'security-analyst');
  app.use(alertRoutes(deps.alerts, anyRole, analyst));
  app.use(eventRoutes(deps.alerts.store.events, anyRole));
  app.use(alertPcapRoutes(deps.alerts.store, deps.alerts.pcaps, new PcapTokens(deps.alerts.store.db), analyst));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
