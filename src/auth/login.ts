// Credential checks for the auth APIs, with throttling per user name and per client (issue: appliance
// core) and an audit row for every attempt.
import type { AuditLog } from '../store/audit-log.js';
import type { ConfigStore } from '../store/config-store.js';
import type { UserRecord } from '../store/config-schema.js';
import { ThrottledError } from '../errors.js';
import { type Throttle, throttleRule } from './throttle.js';
import type { UserService } from './users.js';

export interface LoginClient { address: string | null; userAgent: string | null }

export class LoginGuard {
  constructor(
    private readonly users: UserService,
    private readonly audit: AuditLog,
    private readonly throttle: Throttle,
    private readonly config: ConfigStore,
  ) {}

  /**
   * Returns the user when the name and password are right and the account is enabled; null otherwise.
   * Throws ThrottledError (429) while the user name or the client is locked out, without checking.
   */
  async check(username: string, password: string, client: LoginClient, purpose: string): Promise<UserRecord | null> {
    const t = this.config.data.settings.throttle;
    const userKey = `login-user:${username.toLowerCase()}`;
    const clientKey = `login-client:${client.address}`;
    const wait = Math.max(this.throttle.retryAfter(userKey), this.throttle.retryAfter(clientKey));
    if (wait > 0) {
      this.audit.record({ actor: `user:${username}`, action: 'login.throttled', target: username, outcome: 'refused',
        client: client.address, userAgent: client.userAgent, detail: { purpose, retryAfter: wait } });
      throw new ThrottledError('Too many failed attempts; try again later', wait);
    }
    const { user, reason } = await this.users.verify(username, password);
    const base = { actor: `user:${username}`, target: username, client: client.address, userAgent: client.userAgent };
    if (!user) {
      this.throttle.fail(userKey, throttleRule(t, t.userFailures));
      this.throttle.fail(clientKey, throttleRule(t, t.clientFailures));
      this.audit.record({ ...base, action: 'login.failure', outcome: 'failure', detail: { purpose, reason } });
      return null;
    }
    this.throttle.succeed(userKey);
    this.audit.record({ ...base, action: 'login.success', outcome: 'success', detail: { purpose } });
    return user;
  }
}
