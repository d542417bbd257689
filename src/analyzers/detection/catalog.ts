// The alert catalog and the event-type catalog (issue 6; spec §3, §4), shipped as data in
// fixtures/alerts/catalog.json and fixtures/events/types.json (see fixtures/alerts/README.md).
//
// Both files are read once, on first use, and checked entry by entry: they are ours, and a damaged
// one must fail loudly at start-up rather than produce alerts with a missing engine or severity.
// Rules look their titles up with catalogAlert() at module load, so a misspelt title fails fast too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENGINES, SEVERITIES, type Engine, type EventSeverity, type Severity } from './types.js';

/** fixtures/ sits at the repo (or installed package) root: three levels up from src/analyzers/detection/ and dist/analyzers/detection/. */
const ALERTS_PATH = new URL('../../../fixtures/alerts/catalog.json', import.meta.url);
const EVENTS_PATH = new URL('../../../fixtures/events/types.json', import.meta.url);

const EVENT_SEVERITIES: readonly EventSeverity[] = ['INFO', 'NOTICE', 'ALERT'];

/** One alert of the sensor's catalog (spec §4). */
export interface CatalogAlert {
  /** exact title, as the alert JSON `title` carries it */
  title: string;
  engine: Engine;
  /** sensor severity (the 11/01/2022 reference) */
  severity: Severity;
  /** the alert group, as in the CEF `cat=` field and forwarding rules */
  category: string;
  /** false for alerts the sensor ships disabled (an admin may enable them) */
  enabledByDefault: boolean;
  /** one sentence, our own wording */
  description: string;
  /** operator steps, our own wording */
  remediation: string[];
}

/** One timeline event type (spec §3). */
export interface EventType {
  type: string;
  title: string;
  severity: EventSeverity;
}

/** Forwarding severity encoding for CEF (spec §4, last paragraph). */
export const CEF_SEVERITY: Record<Severity, number> = { Warning: 1, Minor: 4, Major: 8, Critical: 10 };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** The list under `key` of a catalog file's top-level object, or an error naming the file. */
function listOf(raw: unknown, key: string, path: string): unknown[] {
  if (!isObj(raw) || !Array.isArray(raw[key])) throw new Error(`${path}: expected an object with a "${key}" array`);
  const list = raw[key] as unknown[];
  if (list.length === 0) throw new Error(`${path}: "${key}" is empty`);
  return list;
}

/**
 * Checks a parsed catalog.json and returns its alerts by title. Throws an Error naming the file and
 * the entry (index and title) for anything out of place, so a damaged file is never half used.
 */
export function validateCatalog(raw: unknown, path: string): Map<string, CatalogAlert> {
  const out = new Map<string, CatalogAlert>();
  listOf(raw, 'alerts', path).forEach((e, i) => {
    const where = isObj(e) && typeof e.title === 'string' ? `alerts[${i}] "${e.title}"` : `alerts[${i}]`;
    const bad = (why: string) => new Error(`${path}: ${where}: ${why}`);
    if (!isObj(e)) throw bad('not an object');
    if (!nonEmpty(e.title) || e.title !== e.title.trim()) throw bad('title is missing, empty or padded');
    if (!ENGINES.includes(e.engine as Engine)) throw bad(`engine ${JSON.stringify(e.engine)} is not one of ${ENGINES.join(', ')}`);
    if (!SEVERITIES.includes(e.severity as Severity)) {
      throw bad(`severity ${JSON.stringify(e.severity)} is not one of ${SEVERITIES.join(', ')}`);
    }
    if (!nonEmpty(e.category)) throw bad('category is missing or empty');
    if (typeof e.enabledByDefault !== 'boolean') throw bad('enabledByDefault is not true or false');
    if (!nonEmpty(e.description)) throw bad('description is missing or empty');
    if (!Array.isArray(e.remediation) || e.remediation.length === 0 || !e.remediation.every(nonEmpty)) {
      throw bad('remediation must be a non-empty list of non-empty strings');
    }
    if (out.has(e.title)) throw bad('title is listed twice');
    // Frozen: every caller shares these objects.
    out.set(e.title, Object.freeze({
      title: e.title,
      engine: e.engine as Engine,
      severity: e.severity as Severity,
      category: e.category,
      enabledByDefault: e.enabledByDefault,
      description: e.description,
      remediation: Object.freeze([...(e.remediation as string[])]) as string[],
    }));
  });
  return out;
}

/** Checks a parsed types.json and returns its event types by type; errors name the file and entry. */
export function validateEventTypes(raw: unknown, path: string): Map<string, EventType> {
  const out = new Map<string, EventType>();
  listOf(raw, 'types', path).forEach((e, i) => {
    const where = isObj(e) && typeof e.type === 'string' ? `types[${i}] "${e.type}"` : `types[${i}]`;
    const bad = (why: string) => new Error(`${path}: ${where}: ${why}`);
    if (!isObj(e)) throw bad('not an object');
    if (typeof e.type !== 'string' || !/^[A-Z0-9_]+$/.test(e.type)) throw bad('type is missing or not UPPER_SNAKE_CASE');
    if (!nonEmpty(e.title)) throw bad('title is missing or empty');
    if (!EVENT_SEVERITIES.includes(e.severity as EventSeverity)) {
      throw bad(`severity ${JSON.stringify(e.severity)} is not one of ${EVENT_SEVERITIES.join(', ')}`);
    }
    if (out.has(e.type)) throw bad('type is listed twice');
    out.set(e.type, Object.freeze({ type: e.type, title: e.title, severity: e.severity as EventSeverity }));
  });
  return out;
}

function readJson(url: URL): { raw: unknown; path: string } {
  const path = fileURLToPath(url);
  const text = readFileSync(url, 'utf8');
  try {
    return { raw: JSON.parse(text) as unknown, path };
  } catch (err) {
    throw new Error(`${path}: not valid JSON: ${(err as Error).message}`);
  }
}

let alerts: ReadonlyMap<string, CatalogAlert> | undefined;
let events: ReadonlyMap<string, EventType> | undefined;

/** Every catalog alert by exact title, read and checked on first use. */
export function alertCatalog(): ReadonlyMap<string, CatalogAlert> {
  if (!alerts) {
    const { raw, path } = readJson(ALERTS_PATH);
    alerts = validateCatalog(raw, path);
  }
  return alerts;
}

/** The catalog entry for `title`; throws for a title the catalog does not hold. */
export function catalogAlert(title: string): CatalogAlert {
  const a = alertCatalog().get(title);
  if (!a) throw new Error(`unknown alert title: ${JSON.stringify(title)}`);
  return a;
}

/** Every event type by its `type`, read and checked on first use. */
export function eventTypes(): ReadonlyMap<string, EventType> {
  if (!events) {
    const { raw, path } = readJson(EVENTS_PATH);
    events = validateEventTypes(raw, path);
  }
  return events;
}

/** The event type `type`; throws for a type the catalog does not hold. */
export function eventType(type: string): EventType {
  const t = eventTypes().get(type);
  if (!t) throw new Error(`unknown event type: ${JSON.stringify(type)}`);
  return t;
}
