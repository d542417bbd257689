// Alert forwarding rules (issue 6; spec §5.7): a name, conditions (minimum severity, engines,
// protocols) and one action: a syslog receiver (CEF, LEEF or plain RFC 5424 text over UDP or TCP) or
// a JSON webhook. Rules live in config.json (`forwarding`); this file holds their shape, the checks
// a new rule must pass, and which alerts a rule takes.
import { isIP } from 'node:net';
import { ENGINES, SEVERITIES, type Engine, type Severity } from '../analyzers/detection/types.js';
import type { StoredAlert } from '../store/alert-store.js';
import { InputError } from '../errors.js';

export const SYSLOG_FORMATS = ['cef', 'leef', 'rfc5424'] as const;
export type SyslogFormat = (typeof SYSLOG_FORMATS)[number];

export interface SyslogAction {
  type: 'syslog';
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  format: SyslogFormat;
}

export interface WebhookAction {
  type: 'webhook';
  /** http: or https: */
  url: string;
  /** https only: accept any certificate (self-signed lab receivers) */
  insecure?: boolean;
}

export type ForwardingAction = SyslogAction | WebhookAction;

export interface ForwardingRule {
  /** unique; [A-Za-z0-9._-]{1,64} — the outbox refers to rules by name */
  name: string;
  enabled: boolean;
  /** alerts at this severity or above (Warning < Minor < Major < Critical) */
  minSeverity: Severity;
  /** empty = every engine */
  engines: Engine[];
  /** empty = every protocol; compared case-insensitively with the alert's protocol */
  protocols: string[];
  action: ForwardingAction;
}

export const RULE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Does this rule take this alert? (The rule's enabled flag is the outbox's business, not this.) */
export function matches(rule: ForwardingRule, alert: StoredAlert): boolean {
  if (severityRank(alert.severity) < severityRank(rule.minSeverity)) return false;
  if (rule.engines.length > 0 && !rule.engines.includes(alert.engine)) return false;
  if (rule.protocols.length > 0) {
    const p = alert.protocol?.toLowerCase();
    if (p === undefined || !rule.protocols.some((x) => x.toLowerCase() === p)) return false;
  }
  return true;
}

/** Where a rule sends, for lists and messages: 'syslog udp://10.0.0.5:514 (cef)', 'webhook https://…'. */
export function describeTarget(a: ForwardingAction): string {
  if (a.type === 'webhook') return `webhook ${a.url}${a.insecure ? ' (certificate not checked)' : ''}`;
  const host = isIP(a.host) === 6 ? `[${a.host}]` : a.host;
  return `syslog ${a.transport}://${host}:${a.port} (${a.format})`;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Why this value is not a valid rule, or null. Pure and total: used for CLI input, and by the
 * forwarding worker before it sends (config.json may have been edited by hand).
 */
export function ruleProblem(raw: unknown): string | null {
  if (!isObj(raw)) return 'a rule is a JSON object';
  if (typeof raw.name !== 'string' || !RULE_NAME.test(raw.name)) {
    return `invalid rule name ${JSON.stringify(raw.name)}: use 1-64 letters, digits, '.', '_' or '-'`;
  }
  if (typeof raw.enabled !== 'boolean') return 'enabled must be true or false';
  if (!(SEVERITIES as readonly unknown[]).includes(raw.minSeverity)) {
    return `unknown minimum severity ${JSON.stringify(raw.minSeverity)}: use ${SEVERITIES.join(', ')}`;
  }
  if (!Array.isArray(raw.engines)) return 'engines must be a list (empty = all engines)';
  for (const e of raw.engines) {
    if (!(ENGINES as readonly unknown[]).includes(e)) return `unknown engine ${JSON.stringify(e)}: use ${ENGINES.join(', ')}`;
  }
  if (!Array.isArray(raw.protocols)) return 'protocols must be a list (empty = all protocols)';
  for (const p of raw.protocols) {
    if (typeof p !== 'string' || p.trim() === '' || p.length > 64) return `invalid protocol name ${JSON.stringify(p)}`;
  }
  return actionProblem(raw.action);
}

function actionProblem(a: unknown): string | null {
  if (!isObj(a)) return 'a rule needs an action: syslog or webhook';
  if (a.type === 'syslog') {
    if (typeof a.host !== 'string' || !(isIP(a.host) !== 0 || HOST_NAME.test(a.host))) {
      return `invalid syslog host ${JSON.stringify(a.host)}`;
    }
    if (!Number.isInteger(a.port) || (a.port as number) < 1 || (a.port as number) > 65535) {
      return `invalid syslog port ${JSON.stringify(a.port)}: use 1-65535`;
    }
    if (a.transport !== 'udp' && a.transport !== 'tcp') return `invalid syslog transport ${JSON.stringify(a.transport)}: use udp or tcp`;
    if (!(SYSLOG_FORMATS as readonly unknown[]).includes(a.format)) {
      return `invalid syslog format ${JSON.stringify(a.format)}: use ${SYSLOG_FORMATS.join(', ')}`;
    }
    return null;
  }
  if (a.type === 'webhook') {
    if (typeof a.url !== 'string') return 'a webhook needs a url';
    let url: URL;
    try { url = new URL(a.url); } catch { return `invalid webhook URL ${JSON.stringify(a.url)}`; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the webhook URL must be http: or https:, not ${url.protocol}`;
    if (a.insecure !== undefined && typeof a.insecure !== 'boolean') return 'insecure must be true or false';
    if (a.insecure && url.protocol !== 'https:') return 'insecure (skip certificate checks) applies to https URLs only';
    return null;
  }
  return `unknown action type ${JSON.stringify(a.type)}: use syslog or webhook`;
}

/** The rule if valid, else an InputError saying what is wrong. */
export function validateRule(raw: unknown): ForwardingRule {
  const problem = ruleProblem(raw);
  if (problem) throw new InputError(problem);
  return raw as ForwardingRule;
}

/** 'major' -> 'Major'; null if not a severity. */
export function parseSeverity(s: string): Severity | null {
  return SEVERITIES.find((x) => x.toLowerCase() === s.trim().toLowerCase()) ?? null;
}

/** 'policy violation', 'Policy' or 'policy' -> 'Policy Violation'; null if it names no engine. */
export function parseEngine(s: string): Engine | null {
  const k = s.trim().toLowerCase();
  return ENGINES.find((e) => e.toLowerCase() === k || e.split(' ')[0]!.toLowerCase() === k) ?? null;
}
