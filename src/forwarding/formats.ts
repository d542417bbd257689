// What a forwarded alert looks like on the wire (issue 6; spec §5.7, §4 last paragraph, §2.5):
// CEF and LEEF lines and a plain text line, each inside an RFC 5424 syslog message, and the JSON
// body of the webhook (the console's "webhook extended" field list).
//
// Choices the docs leave open, made here:
// - Syslog facility local0 (16): the facility set aside for local use, which receivers commonly
//   route to their own file or index; the sensor's own OS messages keep the standard facilities.
// - Syslog severity from the alert severity: Critical -> 2 (crit), Major -> 3 (err),
//   Minor -> 4 (warning), Warning -> 5 (notice).
// - The syslog TIMESTAMP is when the message is sent (RFC 5424 "originated"); the alert's own time
//   travels in `start=`, which matters for alerts from replayed captures.
// - LEEF `sev` is the CEF number (1/4/8/10); `score` is Warning 20, Minor 40, Major 80,
//   Critical 100 (the one published sample has score=81 for a Major alert).
// - MSG carries no UTF-8 BOM: several SIEM parsers treat it as part of the first field.
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { Severity } from '../analyzers/detection/types.js';
import type { StoredAlert } from '../store/alert-store.js';
import { VERSION } from '../version.js';
import type { SyslogFormat } from './rules.js';

/** Who is sending: the sensor's identity as the console APIs show it (spec §2.4). */
export interface SensorIdentity {
  name: string;
  version: string;
  sensorId: number;
  zoneId: number;
  siteId: number;
  zoneName: string;
  siteName: string;
  /** the alert catalog's category for a title (spec §4), for `cat=`; the field is left out when null */
  category?: (title: string) => string | null;
}

/** The identity of this box when nothing better is configured: host name, package version, ids 1. */
export function localSensorIdentity(): SensorIdentity {
  return { name: hostname(), version: VERSION, sensorId: 1, zoneId: 1, siteId: 1, zoneName: 'Default Zone', siteName: 'Default Site' };
}

export const SYSLOG_FACILITY = 16; // local0
export const SYSLOG_APP_NAME = 'otsensor';
export const SYSLOG_MSGID = 'alert';

export const CEF_SEVERITY: Record<Severity, number> = { Warning: 1, Minor: 4, Major: 8, Critical: 10 };
export const LEEF_SCORE: Record<Severity, number> = { Warning: 20, Minor: 40, Major: 80, Critical: 100 };
export const SYSLOG_SEVERITY: Record<Severity, number> = { Warning: 5, Minor: 4, Major: 3, Critical: 2 };

const ipOf = (addr: string | null): string | null => (addr !== null && isIP(addr) !== 0 ? addr : null);
/** The MAC when known; an address that is not an IP is a MAC (StoredAlert: "IP, else MAC"). */
const macOf = (mac: string | null, addr: string | null): string | null => mac ?? (addr !== null && isIP(addr) === 0 ? addr : null);

// CEF: in header fields `\` and `|` are escaped with a backslash; in extension values `\` and `=`
// are, and line breaks become \n or \r. A line break in a header field has no escape: it becomes a space.
export const cefHeaderField = (s: string): string => s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
export const cefValue = (s: string): string =>
  s.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');

// LEEF 1.0: attributes are separated by tabs, so a value never holds a tab or a line break; they and
// `\` are written as backslash escapes. Header fields escape `\` and `|` like CEF.
export const leefHeaderField = (s: string): string => s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n\t]/g, ' ');
export const leefValue = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');

type Pairs = Array<[string, string | number | null]>;
const present = (pairs: Pairs): Array<[string, string]> =>
  pairs.filter((p): p is [string, string | number] => p[1] !== null).map(([k, v]) => [k, String(v)]);

/** CEF:0 in the field order §5.7 lists; src_mac/dst_mac/cat only when known. */
export function formatCef(alert: StoredAlert, sensor: SensorIdentity): string {
  const header = ['CEF:0', 'Microsoft Defender for IoT/CyberX', sensor.name, sensor.version, 'Microsoft Defender for IoT Alert', alert.title]
    .map((f, i) => (i === 0 ? f : cefHeaderField(f)));
  const ext = present([
    ['msg', alert.message], ['protocol', alert.protocol], ['severity', alert.severity], ['type', alert.engine],
    ['UUID', alert.uuid], ['start', alert.time],
    ['src_ip', ipOf(alert.srcAddr)], ['src_mac', macOf(alert.srcMac, alert.srcAddr)],
    ['dst_ip', ipOf(alert.dstAddr)], ['dst_mac', macOf(alert.dstMac, alert.dstAddr)],
    ['cat', sensor.category?.(alert.title) ?? null],
  ]);
  return `${header.join('|')}|${CEF_SEVERITY[alert.severity]}|${ext.map(([k, v]) => `${k}=${cefValue(v)}`).join(' ')}`;
}

/** LEEF:1.0 with QRadar's "Remote support alert handling" fields (UUID, site, zone, actions; spec §2.5). */
export function formatLeef(alert: StoredAlert, sensor: SensorIdentity): string {
  const header = ['LEEF:1.0', 'Microsoft Defender for IoT', 'CyberX', sensor.version, alert.title]
    .map((f, i) => (i === 0 ? f : leefHeaderField(f)));
  const attrs = present([
    ['msg', alert.message], ['protocol', alert.protocol], ['sev', CEF_SEVERITY[alert.severity]],
    ['score', LEEF_SCORE[alert.severity]], ['type', alert.engine], ['UUID', alert.uuid],
    ['site', sensor.siteName], ['zone', sensor.zoneName], ['actions', 'handle'], ['start', alert.time],
    ['src', ipOf(alert.srcAddr)], ['dst', ipOf(alert.dstAddr)],
    ['srcMAC', macOf(alert.srcMac, alert.srcAddr)], ['dstMAC', macOf(alert.dstMac, alert.dstAddr)],
    ['cat', sensor.category?.(alert.title) ?? null],
  ]);
  return `${header.join('|')}|${attrs.map(([k, v]) => `${k}=${leefValue(v)}`).join('\t')}`;
}

/** One readable line: '<title>: <message> (source A, destination B)'. */
export function formatText(alert: StoredAlert): string {
  const flat = (s: string) => s.replace(/\s*(?:\r\n|[\r\n])\s*/g, ' ').trim();
  const ends = [alert.srcAddr && `source ${alert.srcAddr}`, alert.dstAddr && `destination ${alert.dstAddr}`].filter(Boolean);
  return `${flat(alert.title)}: ${flat(alert.message)}${ends.length ? ` (${ends.join(', ')})` : ''}`;
}

/** RFC 5424 HOSTNAME: printable US-ASCII without spaces, at most 255; '-' (nil) if nothing is left. */
export function syslogHostname(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, '-').slice(0, 255) || '-';
}

/**
 * An RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`, no structured
 * data ('-'). PRI = facility * 8 + severity.
 */
export function syslogMessage(format: SyslogFormat, alert: StoredAlert, sensor: SensorIdentity, nowMs: number): string {
  const msg = format === 'cef' ? formatCef(alert, sensor) : format === 'leef' ? formatLeef(alert, sensor) : formatText(alert);
  const pri = SYSLOG_FACILITY * 8 + SYSLOG_SEVERITY[alert.severity];
  return `<${pri}>1 ${new Date(nowMs).toISOString()} ${syslogHostname(sensor.name)} ${SYSLOG_APP_NAME} ${process.pid} ${SYSLOG_MSGID} - ${msg}`;
}

/** RFC 6587 §3.4.1 octet counting for TCP: 'MSG-LEN SP SYSLOG-MSG', MSG-LEN in octets. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** The webhook JSON body: the console's v2 alert fields plus the sensor, zone and site (spec §2.4, §5.7). */
export function webhookBody(alert: StoredAlert, sensor: SensorIdentity): Record<string, unknown> {
  return {
    id: alert.id,
    uuid: alert.uuid,
    time: alert.time,
    title: alert.title,
    message: alert.message,
    severity: alert.severity,
    engine: alert.engine,
    protocol: alert.protocol,
    sourceDevice: alert.srcDevice,
    destinationDevice: alert.dstDevice,
    sourceDeviceAddress: alert.srcAddr,
    destinationDeviceAddress: alert.dstAddr,
    remediationSteps: alert.remediation,
    additionalInformation: alert.info,
    handled: alert.status !== 'new',
    sensorID: sensor.sensorId,
    sensorName: sensor.name,
    zoneID: sensor.zoneId,
    zoneName: sensor.zoneName,
    siteID: sensor.siteId,
    siteName: sensor.siteName,
  };
}
