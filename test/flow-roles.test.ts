// Who is client and server, and which protocol a flow is pinned to, when an ephemeral port happens to
// equal a port a protocol is bound to (found on the benchmark file: HTTP decoded as MQTT, DNS as BACnet).
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../src/analyzers/analyzer.js';
import type { Flow } from '../src/flows/flow.js';
import { createSensor } from '../src/pipeline.js';
import type { PacketBatch } from '../src/sources/source.js';
import { hex } from './support/decode.js';

const ETH = '00 1b 1b 00 00 01 00 80 f4 00 00 02 08 00';
const ip4 = (len: number, proto: number, src: string, dst: string) =>
  `45 00 ${len.toString(16).padStart(4, '0')} 00 01 40 00 40 ${proto.toString(16).padStart(2, '0')} 00 00 ${src} ${dst}`;
const port = (n: number) => n.toString(16).padStart(4, '0');

function batch(frames: Buffer[]): PacketBatch {
  const buf = Buffer.concat(frames);
  const off = new Int32Array(frames.length), len = new Int32Array(frames.length);
  let o = 0;
  frames.forEach((f, i) => { off[i] = o; len[i] = f.length; o += f.length; });
  return { buf, count: frames.length, off, len, origLen: len.slice(), ts: Float64Array.from(frames, (_, i) => 1.7e15 + i * 1000), linkType: new Int32Array(frames.length).fill(1) };
}

function run(frames: Buffer[]) {
  const flows: Flow[] = [];
  const protos: string[] = [];
  const a: Analyzer = { name: 't', flowStart: (f) => { flows.push(f); }, pdu: (p) => { protos.push(p.proto); } };
  const sensor = createSensor([a]);
  sensor.ingest(batch(frames));
  sensor.finish();
  return { flows, protos, stats: sensor.stats() };
}

describe('flows whose ephemeral port equals a bound one', () => {
  it('an HTTP connection from client port 1883 is not MQTT', () => {
    const A = '0a 00 00 0a', B = '0a 00 00 15';
    const http = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const tcp = (sp: number, dp: number, seq: number, ack: number, flags: string, payload = '') =>
      hex(`${ETH} ${ip4(40 + payload.length / 2, 6, sp === 1883 ? A : B, sp === 1883 ? B : A)} ${port(sp)} ${port(dp)} ${seq.toString(16).padStart(8, '0')} ${ack.toString(16).padStart(8, '0')} 50 ${flags} ff ff 00 00 00 00 ${payload}`);
    const r = run([
      tcp(1883, 80, 100, 0, '02'),
      tcp(80, 1883, 500, 101, '12'),
      tcp(1883, 80, 101, 501, '18', http.toString('hex')),
    ]);
    expect(r.flows).toHaveLength(1);
    expect(r.flows[0]).toMatchObject({ clientPort: 1883, serverPort: 80 });
    // Port 80 is HTTP's since the HTTP dissector exists: the flow is HTTP, never MQTT.
    expect(r.flows[0]!.app?.dissector.id).toBe('http');
    expect(r.protos).toEqual(['http']);
    expect(r.stats.anomalies).toEqual({});
  });

  it('an NTP request from client port 47808 is NTP to server port 123, not BACnet', () => {
    // NTP v4 client request (mode 3), 48 bytes; no dissector is bound to 123, BACnet is bound to 47808
    const ntp = `23 ${'00 '.repeat(47)}`;
    const udpLen = 8 + 48;
    const frame = hex(`${ETH} ${ip4(20 + udpLen, 17, '0a 00 00 0a', '0a 00 00 02')} ba c0 00 7b ${port(udpLen)} 00 00 ${ntp}`);
    const r = run([frame]);
    expect(r.flows[0]).toMatchObject({ clientPort: 47808, serverPort: 123 });
    expect(r.flows[0]!.app).toBeNull();
    expect(r.protos).toEqual([]);
    expect(r.stats.anomalies).toEqual({});
  });
});

describe('port reuse', () => {
  it('a new SYN on a closed 5-tuple starts a new flow, so its new sequence numbers are no gap', () => {
    const A = '0a 00 00 0a', B = '0a 00 00 15';
    // Modbus read holding registers request, 12 bytes
    const mbap = '00 01 00 00 00 06 01 03 00 00 00 0a';
    const seg = (fromClient: boolean, seq: number, ack: number, flags: string, payload = '') =>
      hex(`${ETH} ${ip4(40 + hex(payload).length, 6, fromClient ? A : B, fromClient ? B : A)} ${port(fromClient ? 49152 : 502)} ${port(fromClient ? 502 : 49152)} ${seq.toString(16).padStart(8, '0')} ${ack.toString(16).padStart(8, '0')} 50 ${flags} ff ff 00 00 00 00 ${payload}`);
    const connection = (isn: number) => [
      seg(true, isn, 0, '02'), seg(false, 7000, isn + 1, '12'), seg(true, isn + 1, 7001, '18', mbap),
      seg(true, isn + 13, 7001, '11'), seg(false, 7001, isn + 14, '11'),
    ];
    const r = run([...connection(1000), ...connection(900_000)]);
    expect(r.flows).toHaveLength(2);
    expect(r.protos).toEqual(['modbus', 'modbus']);
    expect(r.stats.anomalies).toEqual({});
  });
});
