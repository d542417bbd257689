// Alert forwarding (issue 6; spec §5.7), the encodings and transports: real syslog receivers (UDP
// and TCP on 127.0.0.1) and a real webhook server (HTTP and HTTPS) get CEF, LEEF, plain RFC 5424
// and JSON, checked with parsers written from the format descriptions (test/support/forwarding.ts).
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Severity } from '../src/analyzers/detection/types.js';
import { ensureCertificate } from '../src/api/tls.js';
import { deliver, DeliveryError } from '../src/forwarding/transports.js';
import { openDatabase } from '../src/store/database.js';
import { removeTempDirs, tempDir } from './support/env.js';
import {
  closedPort, closeReceivers, closers, insertAlert, parseCefExtension, parseLeefAttributes, parseSyslog, rule, SENSOR,
  splitHeader, syslog, tcpReceiver, udpReceiver, waitFor, webhookReceiver,
} from './support/forwarding.js';

afterAll(removeTempDirs);
afterEach(closeReceivers);

describe('syslog formats on the wire', () => {
  const db = openDatabase(tempDir());
  afterAll(() => db.close());

  it('CEF over UDP: RFC 5424 envelope, header fields and escaping of |, \\, = and line breaks', async () => {
    const rx = await udpReceiver();
    const alert = insertAlert(db, {
      title: 'Illegal | Odd \\ Title', severity: 'Critical',
      message: 'Master 10.0.0.1 wrote x=1 to a back\\slash path\nsecond line | with a pipe',
    });
    await deliver(rule('siem', syslog(rx.port, 'udp', 'cef')), alert, SENSOR, { now: () => Date.parse('2024-05-01T10:00:00.123Z') });
    const s = parseSyslog(await rx.next());
    expect(s).toMatchObject({ facility: 16, severity: 2, timestamp: '2024-05-01T10:00:00.123Z', host: 'sensor-01', app: 'otsensor', msgid: 'alert', sd: '-' });
    expect(s.procid).toMatch(/^\d+$/);
    const { fields, rest } = splitHeader(s.msg, 7);
    expect(fields).toEqual(['CEF:0', 'Microsoft Defender for IoT/CyberX', 'sensor-01', '24.1.3', 'Microsoft Defender for IoT Alert',
      'Illegal | Odd \\ Title', '10']);
    expect(s.msg).toContain('|Illegal \\| Odd \\\\ Title|');
    const ext = parseCefExtension(rest);
    expect(ext).toEqual({
      msg: alert.message, protocol: 'Modbus', severity: 'Critical', type: 'Protocol Violation', UUID: alert.uuid,
      start: String(alert.time), src_ip: '10.0.0.1', src_mac: '00:1b:1b:00:00:01', dst_ip: '10.0.0.2', cat: 'Illegal commands',
    });
    expect(rest).not.toMatch(/[\r\n]/);
    expect(rest).toContain('x\\=1');
  });

  it('CEF severity numbers are 1/4/8/10; a MAC-only source goes to src_mac; unknown category and protocol are left out', async () => {
    const rx = await udpReceiver();
    const sevs: Array<[Severity, string, number]> = [['Warning', '1', 5], ['Minor', '4', 4], ['Major', '8', 3], ['Critical', '10', 2]];
    for (const [severity, cef, pri] of sevs) {
      const alert = insertAlert(db, { severity, title: 'Unauthorized Internet Connectivity Detected', protocol: null,
        srcAddr: '00:11:22:33:44:55', srcMac: null, dstAddr: null, dstMac: null });
      await deliver(rule('siem', syslog(rx.port, 'udp', 'cef')), alert, SENSOR);
      const s = parseSyslog(await rx.next());
      expect(s.severity).toBe(pri);
      const { fields, rest } = splitHeader(s.msg, 7);
      expect(fields[6]).toBe(cef);
      const ext = parseCefExtension(rest);
      expect(ext.severity).toBe(severity);
      expect(ext.src_mac).toBe('00:11:22:33:44:55');
      expect(Object.keys(ext)).not.toContain('src_ip');
      expect(Object.keys(ext)).not.toContain('cat');
      expect(Object.keys(ext)).not.toContain('protocol');
      expect(Object.keys(ext)).not.toContain('dst_ip');
    }
  });

  it('LEEF over TCP: octet-counted frames, LEEF 1.0 header, tab-separated attributes with QRadar handling fields', async () => {
    const rx = await tcpReceiver();
    const a1 = insertAlert(db, { message: 'first line\nsecond\twith a tab', dstMac: '00:1b:1b:00:00:02' });
    const a2 = insertAlert(db, { severity: 'Minor', title: 'Excessive Number of Sessions', engine: 'Anomaly' });
    const r = rule('qradar', syslog(rx.port, 'tcp', 'leef'));
    await deliver(r, a1, SENSOR);
    await deliver(r, a2, SENSOR);
    await waitFor(() => rx.frames().length === 2);
    const frames = rx.frames();
    expect(frames).toHaveLength(2);
    const s = parseSyslog(frames[0]!);
    expect(s.severity).toBe(3);
    const { fields, rest } = splitHeader(s.msg, 5);
    expect(fields).toEqual(['LEEF:1.0', 'Microsoft Defender for IoT', 'CyberX', '24.1.3', a1.title]);
    const attrs = parseLeefAttributes(rest);
    expect(attrs).toEqual({
      msg: a1.message, protocol: 'Modbus', sev: '8', score: '80', type: 'Protocol Violation', UUID: a1.uuid, site: 'Plant A', zone: 'Line 2',
      actions: 'handle', start: String(a1.time), src: '10.0.0.1', dst: '10.0.0.2', srcMAC: '00:1b:1b:00:00:01', dstMAC: '00:1b:1b:00:00:02',
      cat: 'Illegal commands',
    });
    const second = parseLeefAttributes(splitHeader(parseSyslog(frames[1]!).msg, 5).rest);
    expect(second).toMatchObject({ sev: '4', score: '40', type: 'Anomaly' });
  });

  it('plain RFC 5424 text: title, message on one line, and the addresses', async () => {
    const rx = await udpReceiver();
    const alert = insertAlert(db, { severity: 'Warning', message: 'Line one.\nLine two.' });
    await deliver(rule('text', syslog(rx.port, 'udp', 'rfc5424')), alert, SENSOR);
    const s = parseSyslog(await rx.next());
    expect(s.facility * 8 + s.severity).toBe(16 * 8 + 5);
    expect(s.msg).toBe(`${alert.title}: Line one. Line two. (source 10.0.0.1, destination 10.0.0.2)`);
  });

  it('a receiver that is not listening on TCP is a DeliveryError naming the target', async () => {
    const port = await closedPort();
    const alert = insertAlert(db);
    await expect(deliver(rule('down', syslog(port, 'tcp', 'cef')), alert, SENSOR)).rejects.toThrow(DeliveryError);
    await expect(deliver(rule('down', syslog(port, 'tcp', 'cef')), alert, SENSOR))
      .rejects.toThrow(new RegExp(`syslog tcp://127\\.0\\.0\\.1:${port} \\(cef\\): .*ECONNREFUSED`));
  });
});

describe('webhook', () => {
  const db = openDatabase(tempDir());
  afterAll(() => db.close());

  it('POSTs the extended JSON body with Content-Type application/json', async () => {
    const rx = await webhookReceiver();
    const alert = insertAlert(db, { status: 'handled', info: { description: 'External Addresses', information: ['1.2.3.4'] } });
    await deliver(rule('hook', { type: 'webhook', url: rx.url }), alert, SENSOR);
    expect(rx.posts).toHaveLength(1);
    const p = rx.posts[0]!;
    expect(p.method).toBe('POST');
    expect(p.url).toBe('/hook');
    expect(p.type).toBe('application/json');
    expect(p.body).toEqual({
      id: alert.id, uuid: alert.uuid, time: alert.time, title: alert.title, message: alert.message, severity: 'Major',
      engine: 'Protocol Violation', protocol: 'Modbus', sourceDevice: 3, destinationDevice: 4,
      sourceDeviceAddress: '10.0.0.1', destinationDeviceAddress: '10.0.0.2', remediationSteps: ['Check the master.'],
      additionalInformation: { description: 'External Addresses', information: ['1.2.3.4'] }, handled: true,
      sensorID: 5, sensorName: 'sensor-01', zoneID: 2, zoneName: 'Line 2', siteID: 3, siteName: 'Plant A',
    });
  });

  it('a non-2xx answer is a failure carrying the status', async () => {
    const rx = await webhookReceiver({ status: 500 });
    await expect(deliver(rule('hook', { type: 'webhook', url: rx.url }), insertAlert(db), SENSOR)).rejects.toThrow(/HTTP 500: receiver is unhappy/);
  });

  it('https: a self-signed receiver is refused unless the rule says insecure', async () => {
    const tls = await ensureCertificate(tempDir());
    const rx = await webhookReceiver({ server: createHttpsServer({ cert: tls.cert, key: tls.key }) });
    expect(rx.url).toMatch(/^https:/);
    const alert = insertAlert(db);
    await expect(deliver(rule('lab', { type: 'webhook', url: rx.url }), alert, SENSOR)).rejects.toThrow(DeliveryError);
    expect(rx.posts).toHaveLength(0);
    await deliver(rule('lab', { type: 'webhook', url: rx.url, insecure: true }), alert, SENSOR);
    expect(rx.posts).toHaveLength(1);
  });

  it('a receiver that never answers fails with a timeout', async () => {
    const server = createHttpServer(() => { /* never answers */ });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    await expect(deliver(rule('slow', { type: 'webhook', url }), insertAlert(db), SENSOR, { timeoutMs: 200 })).rejects.toThrow(/timed out/);
  });
});
