// Who is acting, recorded in the audit trail with every change.
export interface ActorContext {
  /** 'user:NAME', 'token:ID', 'cli:OSUSER' or 'system' */
  actor: string;
  client?: string | null;
  userAgent?: string | null;
}

export const SYSTEM: ActorContext = { actor: 'system' };
