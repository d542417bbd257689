// Frame tests for DHCP (RFC 2131 message format, RFC 2132 options). Messages are built field by field
// by test/pcapgen/discovery.ts; the options of the first one are also spelled out in hex here.
import { describe, expect, it } from 'vitest';
import { ingestCapture } from '../support/pipeline.js';
import type { Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { dhcp } from '../../src/dissectors/dhcp.js';
import { dhcpDora, dhcpMessage } from '../pcapgen/discovery.js';
import { hex } from '../support/decode.js';

function run(b: Buffer) {
  const pdus: Pdu[] = [], anomalies: string[] = [];
  decodeApp(dhcp, b, 0, undefined, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies };
}
const udpPayload = (frame: Buffer) => frame.subarray(42); // Ethernet 14 + IPv4 20 + UDP 8

describe('dhcp', () => {
  it('DISCOVER: client MAC, hostname, vendor class, client id become identity', () => {
    // options after the cookie, as a client sends them (RFC 2132 §9.6, §3.14, §9.13, §9.14, §9.8)
    const options = hex(`
      35 01 01                                   # 53 message type: DISCOVER
      0c 09 70 6c 63 2d 6c 69 6e 65 31           # 12 hostname "plc-line1"
      3c 05 41 43 4d 45 31                       # 60 vendor class "ACME1"
      3d 07 01 02 00 5e 10 00 21                 # 61 client id: type 1 (Ethernet) + MAC
      37 03 01 03 06                             # 55 parameter request list
      ff                                         # end`);
    const head = dhcpMessage({ op: 1, xid: 0xdeadbeef, mac: '02:00:5e:10:00:21', options: [] }).subarray(0, 240);
    const { pdus, anomalies } = run(Buffer.concat([head, options]));
    expect(anomalies).toEqual([]);
    expect(pdus).toEqual([{
      proto: 'dhcp', kind: 'DISCOVER', bootpOp: 1, xid: 0xdeadbeef, clientMac: '02:00:5e:10:00:21',
      ciaddr: '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: '0.0.0.0',
      messageType: 1, hostname: 'plc-line1', vendorClass: 'ACME1', clientId: '02:00:5e:10:00:21', paramList: [1, 3, 6],
      functionCode: 1, functionName: 'DISCOVER', role: 'request', op: 'discovery',
      identity: { about: '02:00:5e:10:00:21', mac: '02:00:5e:10:00:21', name: 'plc-line1', vendorClass: 'ACME1', clientId: '02:00:5e:10:00:21' },
    }]);
  });

  it('the whole DORA: kinds, offered address, server id, lease, router, DNS, FQDN', () => {
    const [d, o, r, a] = dhcpDora().map((f) => run(udpPayload(f)).pdus[0] as Record<string, unknown>);
    expect([d, o, r, a].map((p) => p!.kind)).toEqual(['DISCOVER', 'OFFER', 'REQUEST', 'ACK']);
    expect(o).toMatchObject({ role: 'response', op: 'discovery', yiaddr: '192.168.50.21', serverId: '192.168.50.1', leaseTime: 3600, subnetMask: '255.255.255.0', routers: ['192.168.50.1'], dnsServers: ['192.168.50.1'] });
    expect(o!.identity).toBeUndefined(); // a server's reply is not the client speaking
    expect(r).toMatchObject({ op: 'session', requestedIp: '192.168.50.21', fqdn: 'plc-line1.example', vendorClass: 'ExampleCorp PLC 4.2' });
    expect(r!.identity).toMatchObject({ name: 'plc-line1', requestedIp: '192.168.50.21', about: '02:00:5e:10:00:21' });
    expect(a).toMatchObject({ kind: 'ACK', functionCode: 5, op: 'session' });
  });

  it('plain BOOTP (no cookie, as Rockwell devices use): header facts only', () => {
    const b = dhcpMessage({ op: 2, xid: 1, mac: '02:00:5e:10:00:21', yiaddr: '192.168.50.21', options: [], cookie: 0 });
    const { pdus, anomalies } = run(b);
    expect(anomalies).toEqual([]);
    expect(pdus[0]).toMatchObject({ kind: 'BOOTP', role: 'response', yiaddr: '192.168.50.21' });
  });

  it('negative: not BOOTP, cut headers, overrunning and unknown options', () => {
    expect(run(hex('03 01 06 00 00 00 00 01'))).toEqual({ pdus: [], anomalies: ['dhcp.bad_op'] });
    expect(run(dhcpMessage({ op: 1, xid: 1, mac: '02:00:00:00:00:01', options: [] }).subarray(0, 100))).toEqual({ pdus: [], anomalies: ['dhcp.truncated'] });
    const over = Buffer.concat([dhcpMessage({ op: 1, xid: 1, mac: '02:00:00:00:00:01', options: [[53, [3]]] }).subarray(0, 243), hex('0c 40 61 62')]);
    const r = run(over);
    expect(r.anomalies).toEqual(['dhcp.option_overrun']);
    expect(r.pdus[0]).toMatchObject({ kind: 'REQUEST' }); // what was read before the bad option stands
    expect(run(dhcpMessage({ op: 1, xid: 1, mac: '02:00:00:00:00:01', options: [[53, [99]]] })).anomalies).toEqual(['dhcp.unknown_message_type']);
  });
});

describe('dhcp: generated captures through the pipeline', () => {
  const pdusOf = ingestCapture;
  it('dhcp/dhcp-dora.pcap', async () => {
    const { pdus, report } = await pdusOf('dhcp/dhcp-dora.pcap');
    expect(pdus.map((p) => p.kind)).toEqual(['DISCOVER', 'OFFER', 'REQUEST', 'ACK']);
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('dhcp.') || k.startsWith('decode.'))).toEqual([]);
  });
  it('dhcp/dhcp-garbage.pcap: anomalies, no PDUs', async () => {
    const { pdus, report } = await pdusOf('dhcp/dhcp-garbage.pcap');
    expect(pdus.filter((p) => p.proto === 'dhcp')).toEqual([]);
    expect(Object.entries(report.anomalies).filter(([k]) => k.startsWith('dhcp.')).reduce((n, [, v]) => n + v, 0)).toBe(12);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
  });
});
