// Protocol names as the sensor API shows them (spec §5.4): devices carry display names with a
// numeric id, connections the lower-case dissector names (wire-format.md "Connections").
//
// Ids: the position in §5.4's out-of-the-box list (1-based; its duplicate ARP entry skipped), so they
// never change between releases; protocols the list does not name get ids from 200 up, in the order
// added below. (The one published sample has Omron FINS as 62; the list's order does not reproduce
// that, and no client can rely on the value: it is documented only as "internal protocol id".)

const SENSOR_LIST = [
  'Unknown', 'DNP3', 'MODBUS', 'C37.118', 'SSH', 'HTTP', 'SYSLOG', 'GENERIC', 'ICMP', 'DNS', 'GOOSE', 'MMS', 'MALFORMED',
  'IEC-60870', 'OPC UA', 'Siemens S7', 'ARP', 'Sampled Values', 'EtherNet/IP', 'Siemens S7 Plus', 'Motorola MDLC',
  'Netbios Name Service', 'Netbios Datagram Service', 'Lightweight Access Point', 'CAPWAP', 'SNMP', 'DTLS', 'TNS', 'Database',
  'SRTP', 'RPC', 'OPC', 'DF-1', 'DH-485', 'TDS', 'SMB', 'Suitelink', 'ControlNet', 'FTP', 'CDP', 'Profinet DCP',
  'Profinet Real-Time', 'LLDP', 'Telnet', 'DeltaV', 'BACNet', 'AMS', 'TwinCAT', 'Ovation ADMD', 'Ovation SSRPC',
  'Ovation DPUSTAT', 'Port Map', 'STP', 'Telvent OASyS Tags', 'Mitsubishi MELSEC', 'Honeywell Control Data Access',
  'Yokogawa HIS Equalize', 'Emerson OpenBSI', 'Siemens SICAM', 'Omron FINS', 'Toshiba Computer Link', 'Foxboro I/A',
  'Yokogawa VNet/IP', 'Emerson ROC', 'ABB Totalflow', 'Siemens Process Historian Discovery', 'Siemens WinCC Agent', 'LonTalk',
  'Common ASCII Message', 'CodeSys', 'SAIA S-Bus', 'MDNS', 'Bently Nevada',
] as const;
const EXTRA = ['MQTT', 'DHCP', 'LLMNR', 'TLS', 'NTP'] as const;

const IDS = new Map<string, number>([
  ...SENSOR_LIST.map((n, i) => [n, i + 1] as [string, number]),
  ...EXTRA.map((n, i) => [n, 200 + i] as [string, number]),
]);

/** Our dissector ids to the sensor's display names. */
const DISPLAY: Readonly<Record<string, string>> = {
  modbus: 'MODBUS', dnp3: 'DNP3', dnp3udp: 'DNP3', s7comm: 'Siemens S7', s7commplus: 'Siemens S7 Plus', enip: 'EtherNet/IP',
  enipudp: 'EtherNet/IP', cip: 'EtherNet/IP', bacnet: 'BACNet', iec104: 'IEC-60870', opcua: 'OPC UA', pndcp: 'Profinet DCP',
  goose: 'GOOSE', pnrt: 'Profinet Real-Time', mms: 'MMS', mqtt: 'MQTT', dhcp: 'DHCP', dns: 'DNS', mdns: 'MDNS', llmnr: 'LLMNR', nbns: 'Netbios Name Service',
  lldp: 'LLDP', cdp: 'CDP', snmp: 'SNMP', http: 'HTTP', tls: 'TLS', ssh: 'SSH', ftp: 'FTP', telnet: 'Telnet', arp: 'ARP',
  icmp: 'ICMP', icmpv6: 'ICMP', fins: 'Omron FINS', finstcp: 'Omron FINS', srtp: 'SRTP',
};

/** Connection protocol names: lower-case, one per protocol (both DNP3 transports are "dnp3"). */
const WIRE: Readonly<Record<string, string>> = { dnp3udp: 'dnp3', enipudp: 'enip', finstcp: 'fins', icmpv6: 'icmp' };

export function displayName(id: string): string | null {
  return DISPLAY[id] ?? null;
}

export function protocolId(display: string): number {
  return IDS.get(display) ?? 1;
}

export function wireName(id: string): string {
  return WIRE[id] ?? id;
}
