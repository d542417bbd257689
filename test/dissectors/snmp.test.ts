// Frame tests for SNMP v1/v2c (RFC 1157, RFC 3416) in BER (X.690). The first message is assembled
// byte by byte below; the walk and trap come from the BER builders in test/pcapgen/discovery.ts.
import { describe, expect, it } from 'vitest';
import { ingestCapture } from '../support/pipeline.js';
import { decodeApp } from '../../src/decode/reader.js';
import { snmp } from '../../src/dissectors/snmp.js';
import { berInt, berOid, berStr, snmpMessage, snmpWalk, tlv, varbind } from '../pcapgen/discovery.js';
import { hex } from '../support/decode.js';

function run(b: Buffer) {
  const pdus: Array<Record<string, unknown>> = [], anomalies: string[] = [];
  decodeApp(snmp, b, 0, undefined, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies };
}
const udpPayload = (frame: Buffer) => frame.subarray(42);

// v2c GetRequest for sysName.0, community "public", request id 12345
const GET = `30 29                                   # SEQUENCE, 41 bytes
  02 01 01                                      # version 1 = v2c
  04 06 70 75 62 6c 69 63                       # community "public"
  a0 1c                                         # GetRequest-PDU, 28 bytes
    02 04 00 00 30 39                           # request-id 12345
    02 01 00  02 01 00                          # error-status, error-index
    30 0e 30 0c                                 # varbind list, one varbind
      06 08 2b 06 01 02 01 01 05 00             # 1.3.6.1.2.1.1.5.0 (sysName.0)
      05 00                                     # NULL`;

describe('snmp', () => {
  it('v2c get: version, community, request id, varbind', () => {
    expect(run(hex(GET))).toEqual({ anomalies: [], pdus: [{
      proto: 'snmp', kind: 'get', role: 'request', functionCode: 0, functionName: 'GetRequest', op: 'read',
      version: 1, versionName: 'v2c', community: 'public', requestId: 12345, errorStatus: 0, errorIndex: 0,
      varbinds: [{ oid: '1.3.6.1.2.1.1.5.0', type: 'Null', value: null }],
    }] });
  });

  it('the walk: responses with sysDescr/sysObjectID/sysName give identity; value types', () => {
    const m = snmpWalk().map((f) => run(udpPayload(f)).pdus[0]!);
    expect(m[0]).toMatchObject({ kind: 'getnext', op: 'read', community: 'public' });
    expect(m[1]).toMatchObject({ kind: 'response', role: 'response', identity: { description: 'ExampleCorp X100 PLC, firmware 4.2.1' } });
    expect(m[3]!.identity).toEqual({ vendorOid: '1.3.6.1.4.1.32473.1.100', vendorId: 32473 });
    expect(m[5]!.varbinds).toEqual([{ oid: '1.3.6.1.2.1.1.3.0', type: 'TimeTicks', value: 123456 }]);
    expect(m[7]!.identity).toEqual({ name: 'plc-line1' });
    expect(m[9]!.varbinds).toEqual([{ oid: '1.3.6.1.2.1.4.20.1.1.192.168.50.21', type: 'IpAddress', value: '192.168.50.21' }]);
    expect(m[11]!.varbinds).toEqual([{ oid: '1.3.6.1.2.1.2.2.1.10.1', type: 'Counter32', value: 3000000000 }]);
    expect(m[12]).toMatchObject({ kind: 'get', version: 0, versionName: 'v1', community: 'private' });
    expect(m[14]).toMatchObject({ kind: 'set', op: 'write', varbinds: [{ oid: '1.3.6.1.2.1.1.6.0', type: 'OctetString', value: 'Line 1 cabinet' }] });
    expect(m[15]).toMatchObject({ kind: 'trap', role: 'notify', enterprise: '1.3.6.1.4.1.32473.1.100', agentAddr: '192.168.50.21', genericTrap: 0, timestamp: 5, varbinds: [] });
  });

  it('getbulk, error responses, v3 recognised only', () => {
    const bulk = snmpMessage({ version: 1, community: 'public', pduTag: 0xa5, requestId: 9, errorStatus: 0, errorIndex: 10, varbinds: [varbind('1.3.6.1.2.1.2.2')] });
    expect(run(bulk).pdus[0]).toMatchObject({ kind: 'getbulk', op: 'read', nonRepeaters: 0, maxRepetitions: 10 });
    const err = snmpMessage({ version: 1, community: 'public', pduTag: 0xa2, requestId: 9, errorStatus: 2, errorIndex: 1, varbinds: [varbind('1.3.6.1.9')] });
    expect(run(err).pdus[0]).toMatchObject({ exception: { code: 2, name: 'noSuchName' } });
    const v3 = tlv(0x30, berInt(3), tlv(0x30, berInt(1), berInt(65507), berStr(Buffer.from([4])), berInt(3)), berStr(''), tlv(0x30));
    expect(run(v3)).toEqual({ anomalies: [], pdus: [{ proto: 'snmp', kind: 'v3', version: 3, versionName: 'v3' }] });
  });

  it('negative: bad BER lengths, tags, versions, OIDs; cut messages', () => {
    const g = hex(GET);
    const set = (o: number, v: number) => { const b = Buffer.from(g); b[o] = v; return b; };
    expect(run(set(14, 0x7f))).toEqual({ pdus: [], anomalies: ['snmp.bad_length'] }); // PDU length past the message
    expect(run(set(1, 0x80))).toEqual({ pdus: [], anomalies: ['snmp.bad_length'] }); // indefinite length
    expect(run(set(1, 0x85))).toEqual({ pdus: [], anomalies: ['snmp.bad_length'] }); // 5 length bytes
    expect(run(set(0, 0x31))).toEqual({ pdus: [], anomalies: ['snmp.bad_tag'] });
    expect(run(set(4, 0x02))).toEqual({ pdus: [], anomalies: ['snmp.bad_version'] });
    expect(run(set(13, 0xaf))).toEqual({ pdus: [], anomalies: ['snmp.unknown_pdu_type'] });
    expect(run(set(32, 0x00))).toEqual({ pdus: [], anomalies: ['snmp.bad_oid'] }); // an empty OID (its bytes then misparse as the value)
    const badOid = snmpMessage({ version: 1, community: 'public', pduTag: 0xa0, requestId: 1, varbinds: [tlv(0x30, tlv(0x06, Buffer.from([0x2b, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), tlv(0x05))] });
    expect(run(badOid)).toEqual({ pdus: [], anomalies: ['snmp.bad_oid'] });
    expect(run(g.subarray(0, 30))).toEqual({ pdus: [], anomalies: ['snmp.truncated'] });
    expect(run(hex('30'))).toEqual({ pdus: [], anomalies: ['snmp.truncated'] });
  });

  it('OIDs with large arcs round-trip', () => {
    const b = snmpMessage({ version: 1, community: 'c', pduTag: 0xa0, requestId: 1, varbinds: [tlv(0x30, berOid('1.3.6.1.4.1.4294967295.2'), tlv(0x05))] });
    expect((run(b).pdus[0]!.varbinds as Array<{ oid: string }>)[0]!.oid).toBe('1.3.6.1.4.1.4294967295.2');
  });
});

describe('snmp: generated captures through the pipeline', () => {
  const ingest = ingestCapture;
  it('snmp/snmp-walk.pcap', async () => {
    const { pdus, report } = await ingest('snmp/snmp-walk.pcap');
    expect(pdus.filter((p) => p.proto === 'snmp').map((p) => p.kind)).toEqual([
      ...Array(6).fill(['getnext', 'response']).flat(), 'get', 'response', 'set', 'trap',
    ]);
    expect(Object.keys(report.anomalies).filter((k) => /^(snmp|decode)\./.test(k))).toEqual([]);
  });
  it('snmp/snmp-garbage.pcap: anomalies, no PDUs', async () => {
    const { pdus, report } = await ingest('snmp/snmp-garbage.pcap');
    expect(pdus.filter((p) => p.proto === 'snmp')).toEqual([]);
    expect(Object.entries(report.anomalies).filter(([k]) => k.startsWith('snmp.')).reduce((s, [, v]) => s + v, 0)).toBe(14);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
  });
});
