// A deterministic synthetic inventory for the API benchmark: devices and connections in the exact
// shapes the store keeps and the API serves (SensorDevice and SensorConnection of
// src/analyzers/inventory/devices.ts, fields in that order), generated from a seeded PRNG so the
// loader and the flush writer (two processes) build the same objects with the same ids and keys.
import { protocolId } from '../../dist/analyzers/inventory/protocol-names.js';

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rnd, xs) => xs[Math.floor(rnd() * xs.length)];
const weighted = (rnd, table) => {
  let x = rnd() * table.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1][0];
};
/** k distinct elements of xs, in xs's order */
const some = (rnd, xs, k) => {
  const idx = new Set();
  while (idx.size < Math.min(k, xs.length)) idx.add(Math.floor(rnd() * xs.length));
  return [...idx].sort((a, b) => a - b).map((i) => xs[i]);
};
const hex2 = (n) => n.toString(16).padStart(2, '0');

// OUIs with the upper-case vendor strings the sensor shows (wire-format.md §1).
// Field devices, PCs and network gear each get vendors of their kind.
const VENDORS = {
  field: [['00:1b:1b', 'SIEMENS AG'], ['00:0e:8c', 'SIEMENS AG'], ['00:00:bc', 'ROCKWELL AUTOMATION'],
    ['00:80:f4', 'TELEMECANIQUE ELECTRIQUE'], ['00:02:a2', 'HILSCHER GMBH'], ['00:30:de', 'WAGO KONTAKTTECHNIK GMBH'],
    ['00:09:91', 'GE FANUC AUTOMATION'], ['00:a0:45', 'PHOENIX CONTACT ELECTRONICS GMBH']],
  pc: [['00:15:5d', 'MICROSOFT CORPORATION'], ['f8:bc:12', 'DELL INC.'], ['3c:52:82', 'HEWLETT PACKARD']],
  network: [['00:1e:bd', 'CISCO SYSTEMS, INC'], ['00:90:e8', 'MOXA TECHNOLOGIES CORP.'], ['00:a0:45', 'PHOENIX CONTACT ELECTRONICS GMBH']],
};

// Device types (classify.ts names) and how common each is on a plant network.
const TYPES = [
  ['PLC', 20], ['HMI', 8], ['Workstation', 22], ['Server', 7], ['Engineering Station', 3], ['RTU', 5],
  ['IED', 7], ['Switch', 5], ['Router', 2], ['I/O Adapter', 9], ['Variable Frequency Drive', 5], ['Unknown', 7],
];
const PC_OS = ['Windows 10', 'Windows 7', 'Windows Server 2016', 'Windows Server 2003', 'Linux', 'Windows XP'];

// Protocols: device display name (protocol-names.ts), connection wire name, server port, commands.
const PROTOCOLS = {
  modbus: { display: 'MODBUS', port: 502, commands: ['Read Holding Registers', 'Read Input Registers', 'Read Coils', 'Write Single Register', 'Write Multiple Registers', 'Read Device Identification'] },
  s7comm: { display: 'Siemens S7', port: 102, commands: ['Read Var', 'Write Var', 'Read SZL', 'Setup communication', 'Upload', 'Download block'] },
  enip: { display: 'EtherNet/IP', port: 44818, commands: ['List Identity', 'Register Session', 'Send RR Data', 'Get Attribute Single', 'Read Tag'] },
  dnp3: { display: 'DNP3', port: 20000, commands: ['Read', 'Write', 'Select', 'Operate', 'Confirm'] },
  iec104: { display: 'IEC-60870', port: 2404, commands: ['C_IC_NA_1', 'C_SC_NA_1', 'C_CS_NA_1', 'M_ME_NC_1'] },
  opcua: { display: 'OPC UA', port: 4840, commands: ['Browse', 'Read', 'CreateSubscription', 'Publish'] },
  bacnet: { display: 'BACNet', port: 47808, commands: ['ReadProperty', 'WriteProperty', 'ReadPropertyMultiple', 'Who-Is'] },
  mms: { display: 'MMS', port: 102, commands: ['Read', 'GetNameList', 'GetVariableAccessAttributes'] },
  http: { display: 'HTTP', port: 80, commands: ['GET', 'POST'] },
  tls: { display: 'TLS', port: 443, commands: [] },
  dns: { display: 'DNS', port: 53, commands: ['query'] },
  snmp: { display: 'SNMP', port: 161, commands: ['get-request', 'get-next-request'] },
  ssh: { display: 'SSH', port: 22, commands: [] },
  ftp: { display: 'FTP', port: 21, commands: ['USER', 'RETR', 'STOR'] },
};
const PROTOCOLS_BY_TYPE = {
  PLC: ['modbus', 's7comm', 'enip', 'http', 'snmp'], RTU: ['dnp3', 'iec104', 'modbus'], IED: ['mms', 'iec104', 'dnp3'],
  HMI: ['modbus', 's7comm', 'opcua', 'http'], 'I/O Adapter': ['enip', 'modbus'], 'Variable Frequency Drive': ['modbus', 'enip', 'bacnet'],
  Workstation: ['http', 'tls', 'dns', 'ssh'], 'Engineering Station': ['s7comm', 'modbus', 'enip', 'ftp'], Server: ['http', 'tls', 'dns', 'opcua', 'ftp'],
  Switch: ['snmp', 'ssh', 'http'], Router: ['snmp', 'ssh', 'dns'], Unknown: ['http', 'tls', 'dns', 'snmp'],
};
const SERVER_TYPES = new Set(['PLC', 'RTU', 'IED', 'Server', 'I/O Adapter', 'Variable Frequency Drive', 'Switch', 'Router']);
const PLC_MODELS = ['6ES7 315-2EH14-0AB0', '6ES7 516-3AN01-0AB0', '1756-L73/B LOGIX5573', 'BMX P34 2020', '750-8202', 'IC695CPU315'];

/** Capture-time origin of the synthetic data: 2026-11-01T00:00:00Z, epoch ms. */
export const EPOCH_MS = Date.UTC(2026, 10, 1);
const DAY_MS = 86_400_000;

/** The IPv4 address of device `id` (1-based): 250 hosts per /24, in 10.0.0.0/8. */
export const ipOf = (id) => `10.${Math.floor((id - 1) / 62_500)}.${Math.floor((id - 1) / 250) % 250}.${(id - 1) % 250 + 1}`;

function makeDevice(rnd, id) {
  const type = weighted(rnd, TYPES);
  const pc = type === 'Workstation' || type === 'Engineering Station' || type === 'Server';
  const [oui, vendor] = pick(rnd, VENDORS[pc ? 'pc' : type === 'Switch' || type === 'Router' ? 'network' : 'field']);
  const mac = `${oui}:${hex2((id >> 16) & 0xff)}:${hex2((id >> 8) & 0xff)}:${hex2(id & 0xff)}`;
  const ip = ipOf(id);
  const protoIds = some(rnd, PROTOCOLS_BY_TYPE[type], 1 + Math.floor(rnd() * 3));
  const firmware = [];
  if (type === 'PLC') {
    const modules = 1 + Math.floor(rnd() * 2);
    for (let slot = 1; slot <= modules; slot++) {
      firmware.push({
        slot: String(slot), additionalData: 'N/A', moduleAddress: 'N/A', rack: '0', address: ip,
        model: pick(rnd, PLC_MODELS), serial: `S C-${(id * 7919 + slot).toString(36).toUpperCase().padStart(8, '0')}`,
        firmwareVersion: `V${1 + Math.floor(rnd() * 4)}.${Math.floor(rnd() * 10)}.${Math.floor(rnd() * 20)}`,
      });
    }
  }
  const device = {
    id,
    ipAddresses: [ip],
    // unnamed devices show their IP as the name, as on the real sensor (wire-format.md §2)
    name: type === 'Unknown' ? ip : `${type.replace(/[^A-Za-z]/g, '').slice(0, 8).toUpperCase()}-${String(id).padStart(5, '0')}`,
    vendor: type === 'Unknown' && rnd() < 0.5 ? null : vendor,
    operatingSystem: pc ? pick(rnd, PC_OS) : null,
    macAddresses: [mac],
    type,
    engineeringStation: type === 'Engineering Station',
    authorized: true,
    scanner: pc && rnd() < 0.01,
    protocols: protoIds.map((p) => {
      const display = PROTOCOLS[p].display;
      return { id: protocolId(display), name: display, addresses: p === 'modbus' ? [String(1 + Math.floor(rnd() * 247))] : [] };
    }),
    firmware,
    hasDynamicAddress: type === 'Workstation' && rnd() < 0.3,
  };
  const firstSeen = (EPOCH_MS + Math.floor(rnd() * 10 * DAY_MS)) * 1000; // µs, as DeviceRecord keeps it
  return { key: `mac:${mac}`, firstSeen, lastSeen: firstSeen + Math.floor(rnd() * 10 * DAY_MS) * 1000, device };
}

function makeConnection(rnd, client, server) {
  const serverProtos = server.device.protocols.map((p) => Object.keys(PROTOCOLS).find((k) => PROTOCOLS[k].display === p.name));
  const chosen = some(rnd, serverProtos, 1 + Math.floor(rnd() * 3));
  const discovered = EPOCH_MS + Math.floor(rnd() * 20 * DAY_MS);
  return {
    firstDeviceId: client.device.id,
    secondDeviceId: server.device.id,
    lastSeen: discovered + Math.floor(rnd() * 2 * DAY_MS),
    discovered,
    ports: [...new Set(chosen.map((p) => PROTOCOLS[p].port))].sort((a, b) => a - b),
    protocols: chosen.map((p) => ({ name: p, commands: some(rnd, PROTOCOLS[p].commands, 1 + Math.floor(rnd() * 3)) })),
  };
}

/**
 * `devices` devices with ids 1..devices and `connections` distinct device pairs (about 70 % of them
 * towards a PLC, RTU, IED, server or network device, as on a plant network). Same seed, same objects.
 */
export function makeInventory({ devices: nDevices, connections: nConnections, seed }) {
  const maxPairs = nDevices * (nDevices - 1) / 2;
  if (nConnections > maxPairs / 2) throw new Error(`${nConnections} connections is too many for ${nDevices} devices (at most ${Math.floor(maxPairs / 2)})`);
  const rnd = prng(seed);
  const devices = [];
  for (let id = 1; id <= nDevices; id++) devices.push(makeDevice(rnd, id));
  const servers = devices.filter((d) => SERVER_TYPES.has(d.device.type));
  const pairs = new Set();
  const connections = [];
  while (connections.length < nConnections) {
    const client = devices[Math.floor(rnd() * nDevices)];
    const server = rnd() < 0.7 && servers.length > 0 ? servers[Math.floor(rnd() * servers.length)] : devices[Math.floor(rnd() * nDevices)];
    const a = client.device.id, b = server.device.id;
    if (a === b) continue;
    const key = a < b ? a * 1_048_576 + b : b * 1_048_576 + a;
    if (pairs.has(key)) continue;
    pairs.add(key);
    connections.push(makeConnection(rnd, client, server));
  }
  return { devices, connections };
}

/**
 * What one ingest flush changes: `nDevices` devices see a new unit address on their first protocol and `nConnections` connections are active again (lastSeen moves to `nowMs`).
 * Mutates `inv` in place and returns the largest lastSeen (the sensor clock to store).
 */
export function touch(inv, rnd, { devices: nDevices, connections: nConnections, nowMs }) {
  inv.changedDevices = new Set();
  for (const i of some(rnd, inv.devices.map((_, j) => j), nDevices)) {
    const d = inv.devices[i];
    inv.changedDevices.add(d);
    // the next unit id after the current one (1..247), so the object always changes
    const p = d.device.protocols[0];
    const next = String(1 + (Number(p.addresses[0] ?? 0) || 0) % 247);
    d.device = { ...d.device, protocols: [{ ...p, addresses: [next] }, ...d.device.protocols.slice(1)] };
    d.lastSeen = nowMs * 1000;
  }
  let clock = 0;
  const seen = new Set();
  // the change list an ingest flush hands over (materialize() marks the pairs whose traffic changed)
  inv.changedConnections = new Set();
  while (seen.size < Math.min(nConnections, inv.connections.length)) {
    const i = Math.floor(rnd() * inv.connections.length);
    if (seen.has(i)) continue;
    seen.add(i);
    const c = inv.connections[i];
    inv.connections[i] = { ...c, lastSeen: Math.max(c.lastSeen + 1, nowMs) };
    inv.changedConnections.add(inv.connections[i]);
    clock = Math.max(clock, inv.connections[i].lastSeen);
  }
  return clock;
}
