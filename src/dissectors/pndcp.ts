// PROFINET DCP over Ethernet (EtherType 0x8892): IEC 61158-6-10 §4.3 (DCP), FrameID ranges from
// IEC 61158-6-10 §4.2.2 / Table 4. Identify, Get, Set and Hello with their blocks; other RT frame ids
// (cyclic data, alarms, PTCP) are recognised by range and not decoded further.
import type { AnomalyId } from '../decode/anomalies.js';
import type { AppPdu, Identity, OpClass } from '../decode/pdu.js';
import { Reader } from '../decode/reader.js';
import type { DatagramDissector, PduSink } from '../decode/types.js';

const FRAME_HELLO = 0xfefc;
const FRAME_GET_SET = 0xfefd;
const FRAME_IDENT_REQ = 0xfefe;
const FRAME_IDENT_RES = 0xfeff;

export const pndcpServiceNames: Readonly<Record<number, string>> = { 3: 'Get', 4: 'Set', 5: 'Identify', 6: 'Hello' };

/** IEC 61158-6-10 DCP option/suboption names (Table "Option and Suboption"). */
const blockNames: Readonly<Record<number, string>> = {
  0x0101: 'MAC address', 0x0102: 'IP parameter', 0x0103: 'Full IP suite',
  0x0201: 'DeviceVendorValue', 0x0202: 'NameOfStation', 0x0203: 'DeviceID', 0x0204: 'DeviceRole',
  0x0205: 'DeviceOptions', 0x0206: 'AliasName', 0x0207: 'DeviceInstance', 0x0208: 'OEM DeviceID',
  0x0209: 'Standard gateway', 0x020a: 'RSI properties',
  0x030c: 'DHCP host name', 0x032b: 'DHCP vendor specific', 0x0336: 'DHCP server identifier',
  0x0337: 'DHCP parameter request list', 0x033c: 'DHCP class identifier', 0x033d: 'DHCP client identifier',
  0x0351: 'DHCP FQDN', 0x0361: 'DHCP UUID client identifier', 0x03ff: 'DHCP control',
  0x0501: 'Start transaction', 0x0502: 'End transaction', 0x0503: 'Signal', 0x0504: 'Response',
  0x0505: 'Reset factory settings', 0x0506: 'Reset to factory',
  0x0601: 'DeviceInitiative', 0xffff: 'All selector',
};

/** DeviceRole bits (IEC 61158-6-10, DeviceRoleDetails). */
const roleBits: ReadonlyArray<[number, string]> = [[1, 'IO device'], [2, 'IO controller'], [4, 'IO multidevice'], [8, 'PN supervisor']];

/** Control/Response BlockError values. */
const blockErrorNames: Readonly<Record<number, string>> = {
  0: 'no error', 1: 'option not supported', 2: 'suboption not supported or no dataset available',
  3: 'suboption not set', 4: 'resource error', 5: 'SET not possible by local reasons', 6: 'in operation, SET not possible',
};

/** One DCP block as decoded; `value` depends on the option/suboption. */
export interface DcpBlock {
  option: number;
  suboption: number;
  name: string;
  /** BlockInfo (responses, Hello) or BlockQualifier (Set requests) */
  info?: number;
  value?: unknown;
}

/** Bound on blocks per frame: a DCP frame fits one Ethernet frame, 64 is far above any real device. */
const MAX_BLOCKS = 64;

function ip4(r: Reader): string {
  return `${r.u8()}.${r.u8()}.${r.u8()}.${r.u8()}`;
}

function macText(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** RT frame classes by FrameID range (IEC 61158-6-10 Table 4), for frames that are not DCP. */
function rtFrameClass(id: number): string {
  if (id <= 0x007f) return 'time synchronisation';
  if (id <= 0x7fff) return 'RT class 3 cyclic';
  if (id <= 0xbfff) return 'RT class 2 cyclic';
  if (id <= 0xfbff) return 'RT class 1 cyclic';
  if (id === 0xfc01) return 'alarm high';
  if (id === 0xfe01) return 'alarm low';
  if (id >= 0xff00 && id <= 0xff8f) return 'PTCP';
  return 'reserved';
}

/** The value of one block's data (after BlockInfo/BlockQualifier), by option/suboption. */
function blockValue(code: number, r: Reader): unknown {
  switch (code) {
    case 0x0101: return macText(r.bytes(6));
    case 0x0102: return { ip: ip4(r), netmask: ip4(r), gateway: ip4(r) };
    case 0x0103: {
      const v = { ip: ip4(r), netmask: ip4(r), gateway: ip4(r), dns: [] as string[] };
      while (r.left >= 4 && v.dns.length < 4) v.dns.push(ip4(r));
      return v;
    }
    case 0x0201: case 0x0202: case 0x0206: return r.text(r.left);
    case 0x0203: case 0x0208: return { vendorId: r.u16(), deviceId: r.u16() };
    case 0x0204: {
      const bits = r.u8();
      return { bits, names: roleBits.filter(([b]) => bits & b).map(([, n]) => n) };
    }
    case 0x0205: {
      const opts: string[] = [];
      while (r.left >= 2 && opts.length < MAX_BLOCKS) {
        const o = r.u8(), s = r.u8();
        opts.push(blockNames[(o << 8) | s] ?? `${o}/${s}`);
      }
      return opts;
    }
    case 0x0207: return { high: r.u8(), low: r.u8() };
    case 0x0503: return r.left >= 2 ? r.u16() : undefined; // SignalValue: 0x0100 flash once
    case 0x0601: return r.u16();
    default: return r.left > 0 ? { length: r.left } : undefined;
  }
}

export const pndcp: DatagramDissector = {
  id: 'pndcp',
  kind: 'datagram',
  bindings: [{ table: 'ethertype', value: 0x8892 }],
  anomalies: [
    'pndcp.truncated', 'pndcp.length_exceeds_frame', 'pndcp.block_overrun', 'pndcp.unknown_service',
    'pndcp.frame_id_mismatch', 'pndcp.too_many_blocks',
  ],
  decode(payload, _dir, _state, out) {
    const r = new Reader(payload);
    const frameId = r.u16();
    if (frameId < FRAME_HELLO || frameId > FRAME_IDENT_RES) {
      out.pdu({ proto: 'pndcp', kind: 'rt_frame', frameId, frameClass: rtFrameClass(frameId) });
      return;
    }
    decodeDcp(r, frameId, out);
  },
};

/** IEC 61158-6-10 §4.3.1: DCP-UC/MC header, then blocks bounded by DCPDataLength. */
function decodeDcp(r: Reader, frameId: number, out: PduSink): void {
  const serviceId = r.u8();
  const serviceType = r.u8();
  const xid = r.u32();
  const responseDelay = r.u16(); // reserved (0) in responses
  const dataLength = r.u16();
  const anomalies: AnomalyId[] = [];
  const raise = (id: AnomalyId) => { anomalies.push(id); out.anomaly(id); };

  const functionName = pndcpServiceNames[serviceId];
  if (!functionName) {
    raise('pndcp.unknown_service');
    out.pdu({ proto: 'pndcp', kind: 'unknown', frameId, functionCode: serviceId, serviceType, xid, anomalies });
    return;
  }
  // ServiceType bit 0: response; bit 2: "request not supported" (sent as a response).
  const response = (serviceType & 0x01) === 1 || (serviceType & 0x04) !== 0;
  // Identify travels on its own frame ids, Get/Set share 0xfefd, Hello uses 0xfefc (Table 4).
  const expected = serviceId === 5 ? (response ? FRAME_IDENT_RES : FRAME_IDENT_REQ) : serviceId === 6 ? FRAME_HELLO : FRAME_GET_SET;
  if (frameId !== expected) raise('pndcp.frame_id_mismatch');

  let body: Reader;
  if (dataLength > r.left) {
    raise('pndcp.length_exceeds_frame');
    body = r.sub(r.left);
  } else {
    body = r.sub(dataLength); // what follows is Ethernet padding
  }

  const blocks: DcpBlock[] = [];
  if (serviceId === 3 && !response) {
    // Get request: a bare list of option/suboption pairs.
    while (body.left >= 2 && blocks.length < MAX_BLOCKS) {
      const option = body.u8(), suboption = body.u8();
      const code = (option << 8) | suboption;
      blocks.push({ option, suboption, name: blockNames[code] ?? 'unknown' });
    }
  } else {
    // Which 16-bit word precedes the data: BlockInfo in responses and Hello, BlockQualifier in Set
    // requests, nothing in Identify filters. Control/Response blocks carry none in any service.
    const prefixed = response || serviceId === 6 || serviceId === 4;
    while (body.left >= 4) {
      if (blocks.length >= MAX_BLOCKS) { raise('pndcp.too_many_blocks'); break; }
      const option = body.u8(), suboption = body.u8();
      const len = body.u16();
      const code = (option << 8) | suboption;
      if (len > body.left) { raise('pndcp.block_overrun'); break; }
      const data = body.sub(len);
      if (len & 1 && body.left > 0) body.skip(1); // blocks are padded to an even length
      const block: DcpBlock = { option, suboption, name: blockNames[code] ?? 'unknown' };
      if (code === 0x0504) {
        const o = data.u8(), s = data.u8(), error = data.u8();
        block.value = { option: o, suboption: s, name: blockNames[(o << 8) | s] ?? 'unknown', error, errorName: blockErrorNames[error] ?? 'unknown' };
      } else {
        if (prefixed && code !== 0xffff && data.left >= 2) block.info = data.u16(); // zero-length: padding read as a block
        const v = blockValue(code, data);
        if (v !== undefined) block.value = v;
      }
      blocks.push(block);
    }
  }

  const pdu: AppPdu = {
    proto: 'pndcp',
    kind: `${functionName.toLowerCase()}_${response ? 'response' : 'request'}`,
    frameId,
    role: response ? 'response' : serviceId === 6 ? 'notify' : 'request',
    functionCode: serviceId,
    functionName,
    op: opFor(serviceId, blocks),
    serviceType,
    xid,
    blocks,
  };
  if (serviceType & 0x04) pdu.exception = { code: serviceType, name: 'request not supported' };
  if (serviceId === 5 && !response) pdu.responseDelay = responseDelay;
  const failed = blocks.find((b) => b.option === 5 && b.suboption === 4 && (b.value as { error: number }).error !== 0);
  if (failed && !pdu.exception) {
    const v = failed.value as { error: number; errorName: string };
    pdu.exception = { code: v.error, name: v.errorName };
  }
  applySettings(pdu, serviceId, response, blocks);
  if (anomalies.length) pdu.anomalies = anomalies;
  out.pdu(pdu);
}

function opFor(serviceId: number, blocks: DcpBlock[]): OpClass {
  if (serviceId === 5 || serviceId === 6) return 'discovery';
  if (serviceId === 3) return 'read';
  // A Set that only flashes the LED or brackets a transaction is not a configuration change.
  if (blocks.some((b) => b.option === 5 && (b.suboption === 5 || b.suboption === 6))) return 'control';
  if (blocks.length > 0 && blocks.every((b) => b.option === 5 && b.suboption === 3)) return 'diagnostic';
  return 'write';
}

/**
 * Ties the blocks to who they describe. Identify responses and Hello state the sender's own identity;
 * an Identify request's NameOfStation is the name searched for (a filter); a Set request carries the
 * values being assigned to the destination station.
 */
function applySettings(pdu: AppPdu, serviceId: number, response: boolean, blocks: DcpBlock[]): void {
  const get = (code: number) => blocks.find((b) => ((b.option << 8) | b.suboption) === code)?.value;
  const name = get(0x0202) as string | undefined;
  const ipParam = (get(0x0102) ?? get(0x0103)) as { ip: string; netmask: string; gateway: string } | undefined;
  if (((serviceId === 5 || serviceId === 3) && response) || serviceId === 6) {
    const identity: Identity = {};
    if (name) identity.name = name;
    const vendorValue = get(0x0201) as string | undefined;
    if (vendorValue) identity.productName = vendorValue;
    const devId = get(0x0203) as { vendorId: number; deviceId: number } | undefined;
    if (devId) {
      identity.vendorId = devId.vendorId;
      identity.productCode = `0x${devId.deviceId.toString(16).padStart(4, '0')}`;
      pdu.vendorId = devId.vendorId;
      pdu.deviceId = devId.deviceId;
    }
    const role = get(0x0204) as { names: string[] } | undefined;
    if (role?.names.length) identity.deviceType = role.names.join(', ');
    if (Object.keys(identity).length) pdu.identity = identity;
    if (name) pdu.nameOfStation = name;
    if (vendorValue) pdu.deviceVendorValue = vendorValue;
    if (ipParam) Object.assign(pdu, { ip: ipParam.ip, netmask: ipParam.netmask, gateway: ipParam.gateway });
  } else if (serviceId === 5) {
    if (blocks.some((b) => b.option === 0xff)) pdu.filter = 'all';
    else if (name) pdu.filter = { nameOfStation: name };
  } else if (serviceId === 4 && !response) {
    const assign: Record<string, string> = {};
    const changes: string[] = [];
    if (ipParam) { Object.assign(assign, { ip: ipParam.ip, netmask: ipParam.netmask, gateway: ipParam.gateway }); changes.push('IP change'); }
    if (name !== undefined) { assign.nameOfStation = name; changes.push('name change'); }
    if (get(0x0503) !== undefined || blocks.some((b) => b.option === 5 && b.suboption === 3)) changes.push('signal');
    if (blocks.some((b) => b.option === 5 && (b.suboption === 5 || b.suboption === 6))) changes.push('reset to factory');
    if (Object.keys(assign).length) pdu.assign = assign; // applies to the destination MAC, not the sender
    if (changes.length) pdu.changes = changes;
  }
}
