// Frame tests for the NetBIOS name service (RFC 1002 §4.2): first-level encoded names (RFC 1001
// §14.1), registration, query and positive response with NB records, NBSTAT answers.
import { describe, expect, it } from 'vitest';
import { ingestCapture } from '../support/pipeline.js';
import { decodeApp } from '../../src/decode/reader.js';
import { nbns } from '../../src/dissectors/nbns.js';
import { dnsMessage, nbnsFrames, nbnsRegistration, netbiosEncode, rd, T } from '../pcapgen/discovery.js';
import { hex } from '../support/decode.js';

function run(b: Buffer) {
  const pdus: Array<Record<string, unknown>> = [], anomalies: string[] = [];
  decodeApp(nbns, b, 0, undefined, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies };
}

// Broadcast name query for "PLC<00>": P=0x50 -> FA, L=0x4c -> EM, C=0x43 -> ED, 12 spaces -> CA, 0x00 -> AA
const QUERY = `81 7e 01 10 00 01 00 00 00 00 00 00
  20 ${Buffer.from(`FAEMED${'CA'.repeat(12)}AA`).toString('hex')} 00
  00 20 00 01`;

describe('nbns', () => {
  it('name query: the encoded name decoded with its suffix', () => {
    expect(run(hex(QUERY))).toEqual({ anomalies: [], pdus: [{
      proto: 'nbns', kind: 'query', role: 'request', functionCode: 0, functionName: 'query', op: 'discovery',
      txid: 0x817e, opcode: 0, rcode: 0, broadcast: true,
      questions: [{ name: 'PLC<00>', type: 'NB', class: 1 }], answers: [], authority: [], additional: [],
    }] });
  });

  it('registration and positive response tie the name to an address', () => {
    const reg = run(nbnsRegistration());
    expect(reg.anomalies).toEqual([]);
    expect(reg.pdus[0]).toMatchObject({
      kind: 'registration', role: 'request', opcode: 5,
      additional: [{ name: 'PLC-LINE1<00>', type: 'NB', address: '192.168.50.21', entries: [{ address: '192.168.50.21', group: false, nodeType: 'H' }] }],
      identity: { name: 'PLC-LINE1', about: '192.168.50.21' },
    });
    const resp = run(nbnsFrames()[2]!.subarray(42));
    expect(resp.pdus[0]).toMatchObject({ kind: 'query_response', role: 'response', answers: [{ name: 'HMI-01<20>', address: '192.168.50.10' }], identity: { name: 'HMI-01' } });
  });

  it('NBSTAT answer: the node name table and MAC', () => {
    const name = netbiosEncode('*', 0);
    const table = Buffer.concat([Buffer.from([2]),
      Buffer.from('PLC-LINE1      \x00\x04\x00', 'latin1'), Buffer.from('WORKGROUP      \x00\x84\x00', 'latin1'),
      hex('02 00 5e 10 00 21'), Buffer.alloc(40)]);
    const b = dnsMessage({ id: 7, flags: 0x8400, answers: [{ name, type: T.NBSTAT, ttl: 0, rdata: rd.raw(table) }] });
    expect(run(b).pdus[0]!.answers).toEqual([{ name: '*<00>', type: 'NBSTAT', class: 1, ttl: 0, names: ['PLC-LINE1<00>', 'WORKGROUP<00>'], mac: '02:00:5e:10:00:21' }]);
  });

  it('negative: names that are not first-level encoded, bad opcode, loops, cut messages', () => {
    expect(run(dnsMessage({ id: 1, flags: 0x0110, questions: [{ name: 'plc', type: T.NB }] }))).toEqual({ pdus: [], anomalies: ['nbns.bad_name'] });
    expect(run(hex('0001 1800 0001 0000 0000 0000'))).toEqual({ pdus: [], anomalies: ['nbns.bad_header'] });
    expect(run(hex('0001 0110 0001 0000 0000 0000 c0 0c 0020 0001'))).toEqual({ pdus: [], anomalies: ['nbns.compression_loop'] });
    expect(run(hex(QUERY).subarray(0, 30))).toEqual({ pdus: [], anomalies: ['nbns.truncated'] });
  });
});

describe('nbns: generated captures through the pipeline', () => {
  const ingest = ingestCapture;
  it('nbns/nbns-register-query.pcap', async () => {
    const { pdus, report } = await ingest('nbns/nbns-register-query.pcap');
    expect(pdus.filter((p) => p.proto === 'nbns').map((p) => p.kind)).toEqual(['registration', 'query', 'query_response']);
    expect(Object.keys(report.anomalies).filter((k) => /^(nbns|decode)\./.test(k))).toEqual([]);
  });
  it('nbns/nbns-garbage.pcap: anomalies, no PDUs', async () => {
    const { pdus, report } = await ingest('nbns/nbns-garbage.pcap');
    expect(pdus.filter((p) => p.proto === 'nbns')).toEqual([]);
    expect(Object.entries(report.anomalies).filter(([k]) => k.startsWith('nbns.')).reduce((s, [, v]) => s + v, 0)).toBe(12);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
  });
});
