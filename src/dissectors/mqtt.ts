// MQTT 3.1 (protocol name "MQIsdp", level 3), 3.1.1 (OASIS MQTT v3.1.1, level 4) and 5.0 (OASIS
// MQTT v5.0, level 5) over TCP 1883.
//
// Fixed header (3.1.1 §2.2, 5.0 §2.1.1): packet type in the high nibble of byte 1, flags in the low
// nibble (§2.2.2: fixed values except PUBLISH's DUP/QoS/RETAIN), then the Remaining Length as a
// variable byte integer of at most four bytes (3.1.1 §2.2.3, 5.0 §1.5.5): 7 bits per byte, least
// significant first, the high bit meaning "more". A fifth continuation byte is a malformed packet,
// exactly as mqtt-packet's parser rejects it; that is where `frame` says the stream is out of step.
// Variable headers and payloads per packet type follow 3.1.1 §3.1-§3.14 and 5.0 §3.1-§3.15; MQTT 5
// properties (5.0 §2.2.2) are a variable-byte length plus data, skipped whole without reading them.
//
// Per-flow state remembers the protocol level from CONNECT (the server's packets do not repeat it,
// and MQTT 5 inserts properties into most variable headers) and whether a CONNECT was seen: a
// PUBLISH/SUBSCRIBE/UNSUBSCRIBE before it is `mqtt.missing_connect` (3.1.1 §3.1: "the first packet
// sent from the Client to the Server MUST be a CONNECT"), as Suricata's MQTT parser reports it.
// Passwords are never read into a PDU: only that one was sent.
import type { AnomalyId } from '../decode/anomalies.js';
import type { OpClass } from '../decode/pdu.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../decode/types.js';
import { Reader } from '../decode/reader.js';

const CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7;
const SUBSCRIBE = 8, SUBACK = 9, UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12, PINGRESP = 13, DISCONNECT = 14, AUTH = 15;

const NAMES = ['RESERVED', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
  'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'] as const;

/** Topics kept per SUBSCRIBE/UNSUBSCRIBE: enough for events, bounded for memory. */
const MAX_TOPICS = 16;
/**
 * The largest packet we frame. MQTT allows 256 MiB (§2.2.3); the flow stage buffers up to this much
 * per direction, so it is bounded at what OT telemetry and OTA chunks use; larger ones desynchronise.
 */
const MAX_PDU = 2 * 1024 * 1024;

/** 3.1.1 §3.2.2.3 CONNACK return codes; 5.0 §3.2.2.2 reason codes (>= 0x80 are failures). */
const CONNACK_CODES: Record<number, string> = {
  0: 'Connection Accepted', 1: 'unacceptable protocol version', 2: 'identifier rejected', 3: 'server unavailable',
  4: 'bad user name or password', 5: 'not authorized',
  0x80: 'unspecified error', 0x81: 'malformed packet', 0x82: 'protocol error', 0x83: 'implementation specific error',
  0x84: 'unsupported protocol version', 0x85: 'client identifier not valid', 0x86: 'bad user name or password',
  0x87: 'not authorized', 0x88: 'server unavailable', 0x89: 'server busy', 0x8a: 'banned', 0x8c: 'bad authentication method',
  0x90: 'topic name invalid', 0x95: 'packet too large', 0x97: 'quota exceeded', 0x99: 'payload format invalid',
  0x9a: 'retain not supported', 0x9b: 'QoS not supported', 0x9c: 'use another server', 0x9d: 'server moved',
  0x9f: 'connection rate exceeded',
};

export interface MqttState {
  /** protocol level from CONNECT: 3, 4 or 5; 0 before one is seen (parsed as 3.1.1) */
  version: number;
  connected: boolean;
}

export const MQTT_ANOMALIES = [
  'mqtt.truncated',
  'mqtt.missing_connect',
  'mqtt.duplicate_connect',
  'mqtt.bad_flags',
  'mqtt.invalid_qos',
  'mqtt.unknown_protocol',
  'mqtt.bad_connect_flags',
  'mqtt.invalid_length',
] as const satisfies readonly AnomalyId[];

/** Fixed-header flags each type must carry (3.1.1 §2.2.2 table 2.2); PUBLISH's are free. */
function flagsOk(type: number, flags: number): boolean {
  if (type === PUBLISH) return (flags & 0x06) !== 0x06; // QoS 3 is not allowed (§3.3.1.2)
  return flags === (type === PUBREL || type === SUBSCRIBE || type === UNSUBSCRIBE ? 2 : 0);
}

/** Remaining Length (§2.2.3): [value, bytes used] ; [0, 0] when more bytes are needed; [-1, 0] when malformed. */
function remainingLength(data: Buffer): [number, number] {
  let value = 0, mult = 1;
  for (let i = 1; i <= 4; i++) {
    if (i >= data.length) return [0, 0];
    const b = data[i]!;
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return [value, i];
    mult *= 128;
  }
  return [-1, 0]; // a fifth length byte: malformed (mqtt-packet: "Invalid variable byte integer")
}

function frame(data: Buffer, _dir: Direction): number {
  if (data.length < 1) return 0;
  if (data[0]! >> 4 === 0) return -1; // type 0 is reserved: not the start of a packet
  const [len, used] = remainingLength(data);
  if (len < 0) return -1;
  if (used === 0) return 0;
  return 1 + used + len;
}

function probe(data: Buffer, _dir: Direction): ProbeResult {
  if (data.length < 2) return 'need-more';
  const type = data[0]! >> 4;
  if (type === 0 || !flagsOk(type, data[0]! & 0x0f)) return 'no';
  const [len, used] = remainingLength(data);
  if (len < 0) return 'no';
  if (used === 0) return 'need-more';
  const total = 1 + used + len;
  if (type === CONNECT) {
    // The protocol name settles it (§3.1.2.1): "MQTT", or "MQIsdp" for 3.1.
    const at = 1 + used;
    if (data.length < at + 2) return 'need-more';
    const n = data.readUInt16BE(at);
    if (n !== 4 && n !== 6) return 'no';
    if (data.length < at + 2 + n) return 'need-more';
    const name = data.toString('latin1', at + 2, at + 2 + n);
    return name === 'MQTT' || name === 'MQIsdp' ? 'yes' : 'no';
  }
  if ((type === PINGREQ || type === PINGRESP) && len !== 0) return 'no';
  if (total === data.length) return 'yes';
  if (total > data.length) return 'need-more';
  // another packet follows in the same bytes: its header must be plausible too
  const next = data[total]!;
  return next >> 4 !== 0 && flagsOk(next >> 4, next & 0x0f) ? 'yes' : 'no';
}

/** Variable Byte Integer inside a packet (5.0 §1.5.5), for property lengths. */
function varint(r: Reader): number {
  let value = 0, mult = 1;
  for (let i = 0; i < 4; i++) {
    const b = r.u8();
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return value;
    mult *= 128;
  }
  return -1;
}

/** UTF-8 Encoded String (3.1.1 §1.5.3): 2-byte length, then the bytes (copied: it outlives the packet). */
function utf8(r: Reader): string {
  return r.bytes(r.u16()).toString('utf8');
}

/** MQTT 5 properties (5.0 §2.2.2): skipped whole by their length; a bad length is an invalid packet. */
function skipProperties(r: Reader, out: PduSink): void {
  const n = varint(r);
  if (n < 0) { out.anomaly('mqtt.invalid_length'); r.skip(r.left); return; }
  r.skip(n);
}

function opOf(type: number): OpClass {
  if (type === PUBLISH || (type >= PUBACK && type <= PUBCOMP)) return 'write';
  if (type >= SUBSCRIBE && type <= UNSUBACK) return 'read';
  return 'session';
}

function roleOf(type: number, dir: Direction): 'request' | 'response' | 'notify' {
  switch (type) {
    case CONNACK: case SUBACK: case UNSUBACK: case PINGRESP: case PUBACK: case PUBREC: case PUBCOMP: return 'response';
    case PUBLISH: return dir === 0 ? 'request' : 'notify'; // the broker delivering a message is unsolicited
    case DISCONNECT: return dir === 0 ? 'request' : 'notify'; // 5.0 lets the server disconnect too
    default: return 'request';
  }
}

function decode(pdu: Buffer, dir: Direction, state: MqttState, out: PduSink): void {
  // `frame` has sized the packet; decode still checks, since it may be handed any bytes.
  const [len, used] = remainingLength(pdu);
  if (used === 0 || 1 + used + len > pdu.length) { out.anomaly(len < 0 ? 'mqtt.invalid_length' : 'mqtt.truncated'); return; }
  const b0 = pdu[0]!;
  const type = b0 >> 4;
  const flags = b0 & 0x0f;
  if (type === 0) { out.anomaly('mqtt.bad_flags'); return; } // reserved type (§2.2.1)
  const r = new Reader(pdu, 1 + used, 1 + used + len);
  if (!flagsOk(type, flags)) out.anomaly(type === PUBLISH ? 'mqtt.invalid_qos' : 'mqtt.bad_flags');
  const v5 = state.version === 5;
  const p: Record<string, unknown> & { proto: string; kind: string } = {
    proto: 'mqtt', kind: NAMES[type]!.toLowerCase(), role: roleOf(type, dir), functionCode: type, functionName: NAMES[type]!, op: opOf(type),
  };

  if (!state.connected && (type === PUBLISH || type === SUBSCRIBE || type === UNSUBSCRIBE)) out.anomaly('mqtt.missing_connect');

  switch (type) {
    case CONNECT: {
      if (state.connected) out.anomaly('mqtt.duplicate_connect'); // 3.1.1 §3.1: a second CONNECT is a violation
      const name = utf8(r);
      const level = r.u8();
      const cf = r.u8();
      const keepAlive = r.u16();
      if (!((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3))) out.anomaly('mqtt.unknown_protocol');
      // reserved bit 0, will QoS 3, will QoS/retain without a will (§3.1.2.3-§3.1.2.6)
      const will = (cf & 0x04) !== 0;
      if ((cf & 0x01) !== 0 || (cf & 0x18) === 0x18 || (!will && (cf & 0x38) !== 0)) out.anomaly('mqtt.bad_connect_flags');
      state.version = level === 3 || level === 4 || level === 5 ? level : 4;
      state.connected = true;
      if (state.version === 5) skipProperties(r, out);
      p.protocolName = name;
      p.protocolVersion = level;
      p.cleanSession = (cf & 0x02) !== 0;
      p.keepAlive = keepAlive;
      p.clientId = utf8(r);
      if (will) {
        if (state.version === 5) skipProperties(r, out);
        const topic = utf8(r);
        r.skip(r.u16()); // will message: binary data, not kept
        p.will = { topic, qos: (cf >> 3) & 3, retain: (cf & 0x20) !== 0 };
      }
      if (cf & 0x80) p.username = utf8(r);
      if (cf & 0x40) { r.skip(r.u16()); p.passwordSent = true; } // the value is never read
      break;
    }
    case CONNACK: {
      const ack = r.u8();
      const code = r.u8();
      if (v5 && r.left > 0) skipProperties(r, out);
      p.sessionPresent = (ack & 1) !== 0;
      p.returnCode = code;
      if (code !== 0) p.exception = { code, name: CONNACK_CODES[code] ?? 'unknown' };
      break;
    }
    case PUBLISH: {
      const qos = (flags >> 1) & 3;
      p.topic = utf8(r);
      p.qos = qos;
      p.retain = (flags & 1) !== 0;
      if (flags & 8) p.dup = true;
      if (qos > 0) p.packetId = r.u16();
      if (v5) skipProperties(r, out);
      p.payloadLength = r.left; // the message itself is not kept
      r.skip(r.left);
      break;
    }
    case PUBACK: case PUBREC: case PUBREL: case PUBCOMP: {
      p.packetId = r.u16();
      if (v5 && r.left > 0) {
        const code = r.u8();
        p.reasonCode = code;
        if (code >= 0x80) p.exception = { code, name: CONNACK_CODES[code] ?? 'unknown' };
        if (r.left > 0) skipProperties(r, out);
      }
      break;
    }
    case SUBSCRIBE: case UNSUBSCRIBE: {
      p.packetId = r.u16();
      if (v5) skipProperties(r, out);
      const topics: string[] = [];
      let count = 0;
      while (r.left > 0) {
        const t = utf8(r);
        if (type === SUBSCRIBE) r.skip(1); // requested QoS / subscription options
        if (count++ < MAX_TOPICS) topics.push(t);
      }
      // §3.8.3: a SUBSCRIBE must carry at least one topic filter (same for UNSUBSCRIBE, §3.10.3)
      if (count === 0) out.anomaly('mqtt.invalid_length');
      p.topics = topics;
      if (count > MAX_TOPICS) p.topicCount = count;
      break;
    }
    case SUBACK: case UNSUBACK: {
      p.packetId = r.u16();
      if (v5) skipProperties(r, out);
      if (type === SUBACK || v5) {
        const codes: number[] = [];
        while (r.left > 0 && codes.length < MAX_TOPICS) codes.push(r.u8());
        r.skip(r.left);
        p.returnCodes = codes;
      }
      break;
    }
    case PINGREQ: case PINGRESP:
      break;
    case DISCONNECT: case AUTH:
      if (r.left > 0) {
        p.reasonCode = r.u8();
        if (r.left > 0) skipProperties(r, out);
      }
      break;
  }
  // Bytes past a fixed layout (e.g. a PINGREQ with a body, a 3.1.1 PUBACK longer than 2) are invalid.
  if (r.left > 0) out.anomaly('mqtt.invalid_length');
  out.pdu(p);
}

export const mqtt: StreamDissector<MqttState> = {
  id: 'mqtt',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 1883 }],
  anomalies: MQTT_ANOMALIES,
  maxPdu: MAX_PDU,
  probe,
  frame,
  decode,
  newState: () => ({ version: 0, connected: false }),
};
