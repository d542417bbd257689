// One-time alert PCAP download tokens (issue 6; spec §2.7, §1.16): the console-style request
// GET /external/v2/alerts/pcap/<id> mints one; GET /api/v2/alerts/pcap/<id> accepts it once, for that
// alert only, before it expires. Only a SHA-256 of the token is stored (tokens.md: shown once, stored
// hashed); the lookup is by hash, so no secret is ever compared byte by byte.
import { createHash, randomUUID } from 'node:crypto';
import { type Db, withWriteLock } from '../store/database.js';

/** How long a minted token stays valid: the docs give none (spec §7.4); long enough for a script's next call. */
export const PCAP_TOKEN_TTL_MS = 5 * 60_000;
/** The console's sample token is a UUID (spec §2.7): 8-4-4-4-12 hex. */
const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const hash = (token: string) => createHash('sha256').update(token.toLowerCase()).digest('hex');

export class PcapTokens {
  constructor(private readonly db: Db) {}

  static looksLikeOne(token: string): boolean {
    return SHAPE.test(token);
  }

  mint(alertId: number, nowMs: number, ttlMs = PCAP_TOKEN_TTL_MS): string {
    const token = randomUUID();
    withWriteLock(this.db, () => {
      this.db.prepare('DELETE FROM pcap_tokens WHERE expires < ?').run(nowMs); // expired ones are of no use to anyone
      this.db.prepare('INSERT INTO pcap_tokens (hash, alert_id, expires) VALUES (?, ?, ?)').run(hash(token), alertId, nowMs + ttlMs);
    });
    return token;
  }

  /** Spends the token: true once, for its alert, while unexpired; false otherwise (and for ever after). */
  redeem(token: string, alertId: number, nowMs: number): 'ok' | 'unknown' | 'expired' | 'used' | 'other-alert' {
    return withWriteLock(this.db, () => {
      const row = this.db.prepare('SELECT alert_id, expires, used FROM pcap_tokens WHERE hash = ?').get(hash(token)) as
        { alert_id: number; expires: number; used: number } | undefined;
      if (!row) return 'unknown';
      if (row.used) return 'used';
      if (row.expires < nowMs) return 'expired';
      if (row.alert_id !== alertId) return 'other-alert';
      this.db.prepare('UPDATE pcap_tokens SET used = 1 WHERE hash = ?').run(hash(token));
      return 'ok';
    });
  }
}
