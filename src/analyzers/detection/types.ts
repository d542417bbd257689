// What the detection engines produce (issue 6; spec §3, §4): alert hits and timeline events, in
// our own clear names. The store and the API's serializers turn them into the sensor's wire shapes.

/** The five engines, spelled exactly as the alert JSON `engine` field carries them (spec §1.9, §4). */
export const ENGINES = ['Policy Violation', 'Protocol Violation', 'Malware', 'Anomaly', 'Operational'] as const;
export type Engine = (typeof ENGINES)[number];

/** Sensor severities, lowest first (spec §4: Warning < Minor < Major < Critical). */
export const SEVERITIES = ['Warning', 'Minor', 'Major', 'Critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Timeline severities (spec §1.10). */
export type EventSeverity = 'INFO' | 'NOTICE' | 'ALERT';

/** One side of an alert: the addresses it was seen with. */
export interface Endpoint {
  ip: string | null;
  mac: string | null;
}

/** An engine's finding, before deduplication and device-id resolution (done when it is stored). */
export interface AlertHit {
  /** a catalog title (fixtures/alerts/catalog.json); engine, severity and remediation come from there */
  title: string;
  /** capture time, µs */
  ts: number;
  src: Endpoint | null;
  dst: Endpoint | null;
  /** the sensor's long text, with concrete addresses; may contain \n */
  message: string;
  /** display protocol name ("Modbus", "S7", ...) for forwarding and the CEF `protocol=` field */
  protocol: string | null;
  /** the API's additionalInformation, or null */
  info: { description: string; information: string[] } | null;
  /** what else tells one condition from another beyond title, source and destination ('' if nothing) */
  key: string;
  /** baseline entries that, once learned (handleAndLearn), stop this alert from being raised again */
  learn: string[];
  /** sequence number of the packet that raised it (PacketRecorder.nextSeq at detection time) */
  trigger: number;
}

/** A timeline item (spec §1.10, §3). */
export interface TimelineEvent {
  /** capture time, µs */
  ts: number;
  /** a §3 type, e.g. DEVICE_CONNECTION_CREATED */
  type: string;
  title: string;
  severity: EventSeverity;
  content: string;
}
