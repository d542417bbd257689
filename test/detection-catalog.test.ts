// The alert catalog (fixtures/alerts/catalog.json, spec §4) and the event-type catalog
// (fixtures/events/types.json, spec §3), and the checks their loader makes.
// Expected values are copied from the spec's tables, not from the files.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  alertCatalog,
  catalogAlert,
  CEF_SEVERITY,
  eventType,
  eventTypes,
  validateCatalog,
  validateEventTypes,
} from '../src/analyzers/detection/catalog.js';
import { ENGINES, SEVERITIES } from '../src/analyzers/detection/types.js';
import { removeTempDirs, ROOT, tempDir } from './support/env.js';

afterAll(removeTempDirs);

const CATALOG = join(ROOT, 'fixtures/alerts/catalog.json');
const TYPES = join(ROOT, 'fixtures/events/types.json');

/** The spec's complete list of alert categories (§4). */
const CATEGORIES = [
  'Abnormal Communication Behavior', 'Abnormal HTTP Communication Behavior', 'Authentication', 'Backup',
  'Bandwidth Anomalies', 'Buffer overflow', 'Command Failures', 'Configuration changes', 'Custom Alerts', 'Discovery',
  'Firmware change', 'Illegal commands', 'Internet Access', 'Operation Failures', 'Operational issues', 'Programming',
  'Remote access', 'Restart/Stop Commands', 'Scan', 'Sensor traffic', 'Suspicion of malicious activity',
  'Suspicion of Malware', 'Unauthorized Communication Behavior', 'Unresponsive',
];

describe('alert catalog', () => {
  const cat = alertCatalog();

  it('is read once and holds the 202 distinct titles of spec §4, per engine', () => {
    expect(alertCatalog()).toBe(cat);
    expect(cat.size).toBe(202);
    const perEngine: Record<string, number> = {};
    for (const a of cat.values()) perEngine[a.engine] = (perEngine[a.engine] ?? 0) + 1;
    expect(perEngine).toEqual({ 'Policy Violation': 90, Anomaly: 23, 'Protocol Violation': 25, Malware: 26, Operational: 38 });
  });

  it('keeps the file order: by engine as in §4, then as listed', () => {
    const raw = JSON.parse(readFileSync(CATALOG, 'utf8')) as { note: string; alerts: { title: string; engine: string }[] };
    expect(raw.note).toMatch(/11\/01\/2022/);
    expect(raw.note).toMatch(/our own/);
    const engines = raw.alerts.map((a) => a.engine).filter((e, i, all) => i === 0 || all[i - 1] !== e);
    expect(engines).toEqual(['Policy Violation', 'Anomaly', 'Protocol Violation', 'Malware', 'Operational']);
    expect(raw.alerts[0]!.title).toBe('Beckhoff Software Changed');
    expect(raw.alerts[89]!.title).toBe('Unpermitted Usage of Modbus Function Code');
    expect(raw.alerts[201]!.title).toBe('PLC Operating Mode Changed');
    // listed twice in the reference, kept once
    expect(raw.alerts.filter((a) => a.title === 'Unauthorized Operation was detected by a User Defined Rule')).toHaveLength(1);
  });

  it('matches the spec on spot checks', () => {
    const pick = (t: string) => {
      const a = catalogAlert(t);
      return [a.engine, a.severity, a.category, a.enabledByDefault];
    };
    expect(pick('Internet Access Detected')).toEqual(['Policy Violation', 'Major', 'Internet Access', true]);
    expect(pick('Illegal MODBUS Operation (Exception Raised by Master)')).toEqual(['Protocol Violation', 'Major', 'Illegal commands', true]);
    expect(pick('An S7 Stop PLC Command was Sent')).toEqual(['Operational', 'Warning', 'Restart/Stop Commands', true]);
    // ⚠ row: the sensor severity (Major), not the portal's High
    expect(pick('Malware Test File Detected - EICAR AV Success')).toEqual(['Malware', 'Major', 'Suspicion of malicious activity', true]);
    expect(pick('Illegal HTTP Communication')).toEqual(['Policy Violation', 'Major', 'Abnormal HTTP Communication Behavior', false]);
    expect(pick('Address Scan Detected')).toEqual(['Anomaly', 'Critical', 'Scan', true]);
    expect(pick('Unauthorized SSH Access')).toEqual(['Policy Violation', 'Major', 'Remote access', true]);
    expect(pick('No Traffic Detected on Sensor Interface')).toEqual(['Operational', 'Critical', 'Sensor traffic', true]);
    expect(pick('Event Buffer Overflow in Outstation')).toEqual(['Operational', 'Major', 'Buffer overflow', true]);
    expect(pick('Suspicion of Malicious Activity (Regin)')).toEqual(['Malware', 'Critical', 'Suspicion of Malware', true]);
    expect(pick('Toshiba Computer Link Unauthorized Command')).toEqual(['Policy Violation', 'Minor', 'Unauthorized Communication Behavior', true]);
    expect(pick('Device is Suspected to be Disconnected (Unresponsive)')).toEqual(['Operational', 'Major', 'Unresponsive', true]);
    expect(pick('Backup Activity with Antivirus Signatures')).toEqual(['Malware', 'Warning', 'Backup', true]);
    // only in the 11/23 version: our choice of sensor severity
    expect(pick('PLC Operating Mode Changed')).toEqual(['Operational', 'Minor', 'Configuration changes', true]);
  });

  it('disables exactly the rows starred in the 11/01 version (*1), not those starred only later (*2)', () => {
    const off = [...cat.values()].filter((a) => !a.enabledByDefault).map((a) => a.title).sort();
    expect(off).toEqual([
      'Abnormal HTTP Header Length',
      'Abnormal Number of Parameters in HTTP Header',
      'HTTP Client Error',
      'Illegal HTTP Communication',
      'Illegal HTTP Header Content',
      'RPC Operation Failed',
      'Unauthorized HTTP SOAP Action',
      'Unauthorized HTTP User Agent',
    ]);
    expect(catalogAlert('ARP Address Scan Detected').enabledByDefault).toBe(true); // *2 only
  });

  it('gives every alert a known engine, severity and category, a description and 2-3 remediation steps', () => {
    for (const a of cat.values()) {
      expect(ENGINES).toContain(a.engine);
      expect(SEVERITIES).toContain(a.severity);
      expect(CATEGORIES, a.title).toContain(a.category);
      expect(a.description, a.title).toMatch(/^[A-Z].*\.$/);
      expect(a.remediation.length, a.title).toBeGreaterThanOrEqual(2);
      expect(a.remediation.length, a.title).toBeLessThanOrEqual(3);
      for (const step of a.remediation) expect(step, a.title).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('refuses an unknown title, and shared entries cannot be changed', () => {
    expect(() => catalogAlert('Internet Access Detect')).toThrow('unknown alert title: "Internet Access Detect"');
    expect(() => catalogAlert('internet access detected')).toThrow(/unknown alert title/);
    const a = catalogAlert('Port Scan Detected');
    expect(() => {
      (a as { severity: string }).severity = 'Warning';
    }).toThrow(TypeError);
    expect(catalogAlert('Port Scan Detected').severity).toBe('Critical');
  });

  it('encodes severities for CEF as spec §4 says', () => {
    expect(CEF_SEVERITY).toEqual({ Warning: 1, Minor: 4, Major: 8, Critical: 10 });
  });
});

describe('alert catalog validation', () => {
  const good = () => JSON.parse(readFileSync(CATALOG, 'utf8')) as { alerts: Record<string, unknown>[] };

  it('accepts the shipped file', () => {
    expect(validateCatalog(good(), CATALOG).size).toBe(202);
  });

  it('refuses a corrupted copy of the file, naming the file and the entry', () => {
    const dir = tempDir();
    const cases: [string, (raw: { alerts: Record<string, unknown>[] }) => void, RegExp][] = [
      ['engine', (r) => (r.alerts[3]!.engine = 'Policy'), /alerts\[3\] "External address within the network communicated with Internet": engine "Policy"/],
      ['severity', (r) => (r.alerts[120]!.severity = 'High'), /alerts\[120\] "[^"]+": severity "High"/],
      ['title', (r) => (r.alerts[7]!.title = ''), /alerts\[7\] "": title/],
      ['remediation', (r) => (r.alerts[10]!.remediation = []), /alerts\[10\] "GOOSE Message Type Settings": remediation/],
      ['blank step', (r) => ((r.alerts[10]!.remediation as string[])[1] = ' '), /alerts\[10\] "GOOSE Message Type Settings": remediation/],
      ['enabledByDefault', (r) => (r.alerts[0]!.enabledByDefault = 'yes'), /alerts\[0\] "Beckhoff Software Changed": enabledByDefault/],
      ['duplicate', (r) => r.alerts.push({ ...r.alerts[13]! }), /alerts\[202\] "Internet Access Detected": title is listed twice/],
      ['not an entry', (r) => (r.alerts[5] = 'x' as never), /alerts\[5\]: not an object/],
    ];
    for (const [name, corrupt, message] of cases) {
      const raw = good();
      corrupt(raw);
      const path = join(dir, `catalog-${name.replace(/ /g, '-')}.json`);
      writeFileSync(path, JSON.stringify(raw));
      const reread: unknown = JSON.parse(readFileSync(path, 'utf8'));
      expect(() => validateCatalog(reread, path), name).toThrow(message);
      expect(() => validateCatalog(reread, path), name).toThrow(path);
    }
    expect(() => validateCatalog({ alerts: [] }, 'x.json')).toThrow('x.json: "alerts" is empty');
    expect(() => validateCatalog([], 'x.json')).toThrow(/x\.json: expected an object/);
  });
});

describe('event types', () => {
  const types = eventTypes();

  it('holds the 78 types of spec §3, with the reference titles', () => {
    expect(eventTypes()).toBe(types);
    expect(types.size).toBe(78);
    expect(eventType('DEVICE_CREATE').title).toBe('Device Detected');
    expect(eventType('SNMP_TRAP').title).toBe('SNMP Trap detected');
    expect(eventType('HARDWARE_UPDATE_BY_IDENTIFIER').title).toBe('Address Update');
    expect(eventType('DIP_UPLOADED').title).toBe('Data Intelligance Package Uploaded'); // the reference's spelling
    expect(eventType('DIP_FAILURE').title).toBe('Data Intelligance Package Installation Failure');
    const raw = JSON.parse(readFileSync(TYPES, 'utf8')) as { types: { type: string }[] };
    expect(raw.types[0]!.type).toBe('DEVICE_CREATE');
    expect(raw.types[77]!.type).toBe('HARDWARE_UPDATE_BY_IDENTIFIER');
  });

  it('uses the documented sample severities, and ALERT for failures and alert items', () => {
    expect(eventType('BACK_TO_NORMAL').severity).toBe('INFO');
    expect(eventType('ALERT_REPORTED').severity).toBe('ALERT');
    expect(eventType('PROGRAM_DEVICE').severity).toBe('NOTICE');
    expect(eventType('DEVICE_CONNECTION_CREATED').severity).toBe('INFO');
    const alerting = [...types.values()].filter((t) => t.severity === 'ALERT').map((t) => t.type).sort();
    expect(alerting).toEqual([
      'ALERT_REPORTED', 'ALERT_UPDATED', 'DIP_FAILURE', 'FTP_AUTHENTICATION_FAILURE', 'MUTED_ALERT',
      'SRTP_CHANGE_LEVEL_FAILED', 'TELNET_AUTHENTICATION_FAILURE',
    ]);
    for (const t of ['FIRMWARE_UPDATE', 'PLC_START', 'ENIP_CONTROLLER_GENERIC_STOP', 'SCAN', 'REMOTE_ACCESS', 'CLEARTEXT_AUTHENTICATION',
      'FILE_TRANSFER', 'EXCLUSION_RULE_CREATED', 'DHCP_UPDATE', 'CONFIGURATION_CHANGE']) {
      expect(eventType(t).severity, t).toBe('NOTICE');
    }
    for (const t of ['DEVICE_CREATE', 'DEVICE_UPDATE', 'SYSLOG_MSG', 'INTERNET_ACCESS', 'CONFIGURATION_READ']) {
      expect(eventType(t).severity, t).toBe('INFO');
    }
  });

  it('refuses an unknown type', () => {
    expect(() => eventType('DEVICE_CREATED')).toThrow('unknown event type: "DEVICE_CREATED"');
  });

  it('refuses a corrupted copy of the file, naming the file and the entry', () => {
    const good = () => JSON.parse(readFileSync(TYPES, 'utf8')) as { types: Record<string, unknown>[] };
    expect(validateEventTypes(good(), TYPES).size).toBe(78);
    const dir = tempDir();
    const cases: [string, (raw: { types: Record<string, unknown>[] }) => void, RegExp][] = [
      ['severity', (r) => (r.types[16]!.severity = 'WARNING'), /types\[16\] "BACK_TO_NORMAL": severity "WARNING"/],
      ['title', (r) => delete r.types[2]!.title, /types\[2\] "ALERT_REPORTED": title/],
      ['type', (r) => (r.types[4]!.type = 'scan'), /types\[4\] "scan": type/],
      ['duplicate', (r) => (r.types[1]!.type = 'DEVICE_CREATE'), /types\[1\] "DEVICE_CREATE": type is listed twice/],
    ];
    for (const [name, corrupt, message] of cases) {
      const raw = good();
      corrupt(raw);
      const path = join(dir, `types-${name}.json`);
      writeFileSync(path, JSON.stringify(raw));
      const reread: unknown = JSON.parse(readFileSync(path, 'utf8'));
      expect(() => validateEventTypes(reread, path), name).toThrow(message);
      expect(() => validateEventTypes(reread, path), name).toThrow(path);
    }
    expect(() => validateEventTypes({ alerts: [] }, 'y.json')).toThrow('y.json: expected an object with a "types" array');
  });
});
