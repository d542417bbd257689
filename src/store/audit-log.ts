// The audit trail (issue: appliance core). Every login, password change and token create/revoke/refusal.
import type { Db } from './database.js';

export type AuditOutcome = 'success' | 'failure' | 'refused';

export interface AuditEntry {
  actor: string;
  action: string;
  outcome: AuditOutcome;
  target?: string | null;
  client?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'detail'>> {
  id: number;
  time: number;
  detail: Record<string, unknown> | null;
}

export class AuditLog {
  private readonly insert;
  private readonly select;

  constructor(db: Db, private readonly now: () => number = Date.now) {
    this.insert = db.prepare(
      `INSERT INTO audit (time, actor, action, target, outcome, client, user_agent, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.select = db.prepare(
      `SELECT id, time, actor, action, target, outcome, client, user_agent AS userAgent, detail
       FROM audit WHERE (? IS NULL OR action LIKE ? || '%') ORDER BY id DESC LIMIT ?`,
    );
  }

  record(e: AuditEntry): void {
    this.insert.run(this.now(), e.actor, e.action, e.target ?? null, e.outcome, e.client ?? null,
      e.userAgent ?? null, e.detail ? JSON.stringify(e.detail) : null);
  }

  /** Newest first; `actionPrefix` such as 'token.' narrows to one family. */
  list(limit = 100, actionPrefix: string | null = null): AuditRecord[] {
    const rows = this.select.all(actionPrefix, actionPrefix, limit) as Array<Omit<AuditRecord, 'detail'> & { detail: string | null }>;
    return rows.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null }));
  }
}
