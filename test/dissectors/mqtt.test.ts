// Frame tests for MQTT (3.1.1 §2-§3, 5.0 §2-§3). Hex comes from the public captures zeek-mqtt (MQTT 3.1)
// and suricata-mqtt-missing-connect-mixed (3.1.1), frame numbers as tshark numbers them, or is built by
// hand from the spec's field tables where noted. Round trip: the generator's packet builder
// (test/pcapgen/mqtt.ts) produces bytes the dissector parses back to the fields it was given.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { mqtt, type MqttState } from '../../src/dissectors/mqtt.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { hex } from '../support/decode.js';
import { ROOT } from '../support/env.js';
import { connect, publish, remaining, subscribe } from '../pcapgen/mqtt.js';
import { samples } from './samples/mqtt.js';

const connected = (version = 4): MqttState => ({ version, connected: true });

function run(h: string | Buffer, dir: Direction = 0, state: MqttState = connected()) {
  const pdus: Pdu[] = [];
  const anomalies: AnomalyId[] = [];
  decodeApp(mqtt, typeof h === 'string' ? hex(h) : h, dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies, state };
}

describe('mqtt CONNECT / CONNACK', () => {
  it('MQTT 3.1 CONNECT (zeek-mqtt frame 1) sets the flow version', () => {
    const st = mqtt.newState!();
    const r = run(samples[0]!.hex, 0, st);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'mqtt', kind: 'connect', role: 'request', functionCode: 1, functionName: 'CONNECT', op: 'session',
      protocolName: 'MQIsdp', protocolVersion: 3, cleanSession: true, keepAlive: 5, clientId: 'paho/34AAE54A75D839566E',
    }]);
    expect(st).toEqual({ version: 3, connected: true });
  });

  it('username is kept, the password value never is', () => {
    const r = run('10 1d 00 04 4d 51 54 54 04 c2 00 3c 00 03 68 6d 69 00 04 6f 70 65 72 00 06 73 65 63 72 65 74', 0, mqtt.newState!());
    expect(r.pdus[0]).toMatchObject({ clientId: 'hmi', username: 'oper', passwordSent: true, protocolVersion: 4 });
    expect(JSON.stringify(r.pdus)).not.toContain('secret');
  });

  it('will topic, QoS and retain (hand-built, 3.1.1 §3.1.2.5-§3.1.2.7)', () => {
    const r = run('10 1f 00 04 4d 51 54 54 04 0e 00 3c 00 02 63 31 00 06 73 74 61 74 75 73 00 07 6f 66 66 6c 69 6e 65', 0, mqtt.newState!());
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ clientId: 'c1', will: { topic: 'status', qos: 1, retain: false } });
  });

  it('MQTT 5 CONNECT: properties skipped, version 5 remembered for the server side', () => {
    const st = mqtt.newState!();
    expect(run('10 14 00 04 4d 51 54 54 05 02 00 3c 03 21 00 0a 00 04 6f 74 2d 31', 0, st).pdus[0]).toMatchObject({ protocolVersion: 5, clientId: 'ot-1' });
    // 5.0 §3.2: CONNACK with reason 0x86 and an empty property list
    const ack = run('20 03 00 86 00', 1, st);
    expect(ack.anomalies).toEqual([]);
    expect(ack.pdus[0]).toMatchObject({ kind: 'connack', role: 'response', returnCode: 0x86, exception: { code: 0x86, name: 'bad user name or password' } });
    // 5.0 §3.3.2.3: PUBLISH QoS 1 with a Payload Format Indicator property before the payload
    expect(run('32 0c 00 03 61 2f 62 00 07 02 01 01 34 32', 0, st).pdus[0]).toMatchObject({ topic: 'a/b', qos: 1, packetId: 7, payloadLength: 2 });
  });

  it('CONNACK 3.1.1 refusal is an exception; odd protocol names and flags are named', () => {
    expect(run('20 02 00 00', 1).pdus[0]).toMatchObject({ sessionPresent: false, returnCode: 0 });
    expect(run('20 02 01 05', 1).pdus[0]).toMatchObject({ sessionPresent: true, exception: { code: 5, name: 'not authorized' } });
    expect(run('10 0e 00 04 4d 51 54 54 07 02 00 3c 00 02 50 31', 0, mqtt.newState!()).anomalies).toEqual(['mqtt.unknown_protocol']);
    expect(run('10 0e 00 04 4d 51 54 54 04 03 00 3c 00 02 50 31', 0, mqtt.newState!()).anomalies).toEqual(['mqtt.bad_connect_flags']);
    expect(run('10 0e 00 04 4d 51 54 54 04 02 00 3c 00 02 50 31').anomalies).toEqual(['mqtt.duplicate_connect']);
  });
});

describe('mqtt PUBLISH and its acknowledgements', () => {
  it('PUBLISH QoS 0 retained (zeek-mqtt frame 5): topic and payload length only', () => {
    const r = run(samples[4]!.hex, 1);
    expect(r.pdus).toEqual([{ proto: 'mqtt', kind: 'publish', role: 'notify', functionCode: 3, functionName: 'PUBLISH', op: 'write', topic: 'SampleTopic', qos: 0, retain: true, payloadLength: 35 }]);
  });

  it('PUBLISH QoS 2 with packet id (suricata frame 30) and the PUBREC/PUBREL/PUBCOMP/PUBACK flow', () => {
    expect(run('34 18 00 11 68 6f 75 73 65 2f 62 75 6c 62 73 2f 62 75 6c 62 31 00 03 4f 46 46').pdus[0]).toMatchObject({ role: 'request', topic: 'house/bulbs/bulb1', qos: 2, packetId: 3, payloadLength: 3 });
    expect(run('50 02 00 03', 1).pdus[0]).toMatchObject({ kind: 'pubrec', role: 'response', op: 'write', packetId: 3 });
    expect(run('62 02 00 03').pdus[0]).toMatchObject({ kind: 'pubrel', role: 'request', packetId: 3 });
    expect(run('70 02 00 03', 1).pdus[0]).toMatchObject({ kind: 'pubcomp', packetId: 3 });
    expect(run('40 02 00 01').pdus[0]).toMatchObject({ kind: 'puback', packetId: 1 });
  });

  it('QoS 3, wrong fixed flags and extra bytes are anomalies, the packet is still reported', () => {
    expect(run('36 05 00 01 61 00 01').anomalies).toEqual(['mqtt.invalid_qos']);
    expect(run('60 02 00 03').anomalies).toEqual(['mqtt.bad_flags']);     // PUBREL needs flags 0010
    expect(run('c0 01 00').anomalies).toEqual(['mqtt.invalid_length']);   // PINGREQ has no body
    expect(run('40 03 00 01 00').anomalies).toEqual(['mqtt.invalid_length']); // 3.1.1 PUBACK is 2 bytes
    expect(run('c0 01 00').pdus[0]).toMatchObject({ kind: 'pingreq' });
  });

  it('a cut field is mqtt.truncated', () => {
    expect(run('30 05 00 09 61 62 63').anomalies).toEqual(['mqtt.truncated']);
    expect(run('30 0a 00 03').anomalies).toEqual(['mqtt.truncated']);
  });
});

describe('mqtt SUBSCRIBE, UNSUBSCRIBE, PING, DISCONNECT', () => {
  it('SUBSCRIBE/SUBACK (zeek-mqtt frames 3, 4; suricata frame 22)', () => {
    expect(run(samples[2]!.hex).pdus[0]).toEqual({ proto: 'mqtt', kind: 'subscribe', role: 'request', functionCode: 8, functionName: 'SUBSCRIBE', op: 'read', packetId: 1, topics: ['SampleTopic'] });
    expect(run(samples[3]!.hex, 1).pdus[0]).toMatchObject({ kind: 'suback', role: 'response', op: 'read', packetId: 1, returnCodes: [0] });
    expect(run('82 16 00 01 00 11 68 6f 75 73 65 2f 62 75 6c 62 73 2f 62 75 6c 62 31 01').pdus[0]).toMatchObject({ topics: ['house/bulbs/bulb1'] });
    expect(run('82 02 00 01').anomalies).toEqual(['mqtt.invalid_length']); // no topic filter (§3.8.3)
  });

  it('UNSUBSCRIBE/UNSUBACK, PINGREQ/PINGRESP, DISCONNECT', () => {
    expect(run('a2 07 00 02 00 03 61 2f 62').pdus[0]).toMatchObject({ kind: 'unsubscribe', op: 'read', packetId: 2, topics: ['a/b'] });
    expect(run('b0 02 00 02', 1).pdus[0]).toMatchObject({ kind: 'unsuback', packetId: 2 });
    expect(run('c0 00').pdus[0]).toMatchObject({ kind: 'pingreq', role: 'request', op: 'session' });
    expect(run('d0 00', 1).pdus[0]).toMatchObject({ kind: 'pingresp', role: 'response' });
    expect(run('e0 00').pdus[0]).toMatchObject({ kind: 'disconnect', op: 'session' });
    // 5.0 §3.14: server-sent DISCONNECT with reason 0x8e (session taken over)
    expect(run('e0 01 8e', 1, connected(5)).pdus[0]).toMatchObject({ role: 'notify', reasonCode: 0x8e });
  });

  it('PUBLISH or SUBSCRIBE before any CONNECT on the flow is mqtt.missing_connect', () => {
    const st = mqtt.newState!();
    expect(run('20 02 00 00', 1, st).anomalies).toEqual([]);
    expect(run(samples[7]!.hex, 0, st).anomalies).toEqual(['mqtt.missing_connect']);
    expect(run(samples[2]!.hex, 0, st).anomalies).toEqual(['mqtt.missing_connect']);
    run(samples[13]!.hex, 0, st); // CONNECT
    expect(run(samples[7]!.hex, 0, st).anomalies).toEqual([]);
  });

  it('round trip: builder output parses back to its fields', () => {
    const st = mqtt.newState!();
    expect(run(connect('gw', 'u', 'p'), 0, st).pdus[0]).toMatchObject({ clientId: 'gw', username: 'u', passwordSent: true });
    expect(run(subscribe(9, ['a', 'b/#']), 0, st).pdus[0]).toMatchObject({ packetId: 9, topics: ['a', 'b/#'] });
    const big = publish('t', 'x'.repeat(20000), 1, 5, true);
    expect(mqtt.frame(big, 0)).toBe(big.length);
    expect(run(big, 0, st).pdus[0]).toMatchObject({ topic: 't', qos: 1, retain: true, packetId: 5, payloadLength: 20000 });
  });
});

describe('mqtt framing and probe', () => {
  it('every prefix of every sample needs more; the whole sample frames to its length', () => {
    for (const s of samples) {
      const b = hex(s.hex);
      expect(mqtt.frame(b, s.dir), s.note).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(mqtt.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(n < 2 ? 0 : b.length);
    }
  });

  it('Remaining Length: 1 to 4 bytes at the spec boundaries (§2.2.3 table 2.4); a fifth is malformed', () => {
    for (const [n, bytes] of [[0, 1], [127, 1], [128, 2], [16383, 2], [16384, 3], [2097151, 3], [2097152, 4], [268435455, 4]] as const) {
      const hdr = Buffer.from([0x30, ...remaining(n)]);
      expect(hdr.length - 1, `${n}`).toBe(bytes);
      expect(mqtt.frame(hdr, 0), `${n}`).toBe(1 + bytes + n);
      // every shorter header is "need more"
      for (let k = 0; k < hdr.length; k++) expect(mqtt.frame(hdr.subarray(0, k), 0)).toBe(0);
    }
    expect(mqtt.frame(hex('30 ff ff ff ff 01'), 0)).toBe(-1);
    expect(mqtt.frame(hex('00 00'), 0)).toBe(-1); // reserved type 0
  });

  it('probe: yes on packets, no on other bytes, need-more on a short head', () => {
    for (const s of samples) expect(mqtt.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    expect(mqtt.probe!(hex('10'), 0)).toBe('need-more');
    expect(mqtt.probe!(hex('10 0e 00 04 4d 51'), 0)).toBe('need-more');
    expect(mqtt.probe!(hex('10 0e 00 04 48 54 54 50 04 02 00 3c 00 02 50 31'), 0)).toBe('no'); // name "HTTP"
    expect(mqtt.probe!(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe('no');
    expect(mqtt.probe!(hex('c0 00 c0 00'), 0)).toBe('yes');
    expect(mqtt.probe!(hex('c0 00 00 00'), 0)).toBe('no');
  });
});

describe('mqtt generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Array<Pdu & { src: string }> = [];
    const collect: Analyzer = { name: 'collect', pdu(p, flow, dir) { if (p.proto === 'mqtt') pdus.push({ ...p, src: flow ? (dir === 0 ? flow.clientIp : flow.serverIp) : '' }); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'mqtt', name)] }).run();
    return { pdus, report };
  }

  it('session.pcap: connect, subscribe, publish, ping, disconnect', async () => {
    const { pdus, report } = await replay('session.pcap');
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('mqtt.') || k === 'stream.desync')).toEqual([]);
    expect(pdus.map((p) => `${p.src} ${p.functionName}`)).toEqual([
      '10.183.0.10 CONNECT', '10.183.0.20 CONNACK', '10.183.0.10 SUBSCRIBE', '10.183.0.20 SUBACK',
      '10.183.0.10 PUBLISH', '10.183.0.20 PUBACK', '10.183.0.10 PUBLISH', '10.183.0.20 PUBLISH',
      '10.183.0.10 PINGREQ', '10.183.0.20 PINGRESP', '10.183.0.10 DISCONNECT',
    ]);
    expect(pdus[0]).toMatchObject({ clientId: 'plc-gw-01', username: 'telemetry', passwordSent: true });
    expect(JSON.stringify(pdus)).not.toContain('not-a-real-password');
    expect(pdus.filter((p) => p.kind === 'publish').map((p) => [p.topic, p.payloadLength])).toEqual([
      ['plant/line1/temperature', 10], ['plant/line1/status', 200], ['plant/line1/setpoint', 9],
    ]);
    expect(pdus[2]).toMatchObject({ topics: ['plant/line1/cmd/#', 'plant/line1/setpoint'] });
  });

  it('publish-without-connect.pcap: mqtt.missing_connect', async () => {
    const { pdus, report } = await replay('publish-without-connect.pcap');
    expect(pdus.map((p) => p.kind)).toEqual(['publish', 'disconnect']);
    expect(report.anomalies['mqtt.missing_connect']).toBe(1);
  });
});
