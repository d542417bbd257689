// Code tables for EtherNet/IP and CIP, from the ODVA specifications:
// - THE CIP NETWORKS LIBRARY Vol. 2 (EtherNet/IP Adaptation of CIP) §2-3 "Encapsulation commands",
//   Table 2-3.2 "Encapsulation status codes", §2-6 "Common Packet Format" item type ids;
// - Vol. 1 (Common Industrial Protocol) Appendix A "Explicit messaging services" (common service codes),
//   Appendix B "Status codes" (general status), Chapter 5 object class codes and class-specific services
//   (Identity 0x01, Message Router 0x02, Connection Manager 0x06 §3-5.6, File 0x37 §5A-42),
//   §5A-2.1 device type profiles.
// Names only: no decoding here. Class-specific service codes (0x32..0x7F) mean different things per
// class, so they are looked up per class, never in the common table.
import type { OpClass } from '../../decode/pdu.js';

/** Vol. 2 Table 2-3.1: encapsulation commands: [name, kind, op]. */
export const COMMANDS: ReadonlyMap<number, readonly [string, string, OpClass]> = new Map([
  [0x0000, ['NOP', 'nop', 'session']],
  [0x0001, ['ListTargets', 'list_targets', 'discovery']], // legacy (pre-ODVA), still sent by RSLinx
  [0x0004, ['ListServices', 'list_services', 'discovery']],
  [0x0063, ['ListIdentity', 'list_identity', 'discovery']],
  [0x0064, ['ListInterfaces', 'list_interfaces', 'discovery']],
  [0x0065, ['RegisterSession', 'register_session', 'session']],
  [0x0066, ['UnRegisterSession', 'unregister_session', 'session']],
  [0x006f, ['SendRRData', 'send_rr_data', 'other']],
  [0x0070, ['SendUnitData', 'send_unit_data', 'other']],
  [0x0072, ['IndicateStatus', 'indicate_status', 'diagnostic']],
  [0x0073, ['Cancel', 'cancel', 'session']],
] as const);

/** Vol. 2 Table 2-3.2: encapsulation status. */
export const ENCAP_STATUS: Readonly<Record<number, string>> = {
  0x0001: 'Invalid or unsupported command',
  0x0002: 'Insufficient memory',
  0x0003: 'Incorrect data',
  0x0064: 'Invalid session handle',
  0x0065: 'Invalid length',
  0x0069: 'Unsupported protocol revision',
};

/** Vol. 2 Table 2-6.3: Common Packet Format item type ids. */
export const ITEM = {
  NULL_ADDRESS: 0x0000,
  LIST_IDENTITY: 0x000c,
  CONNECTED_ADDRESS: 0x00a1,
  CONNECTED_DATA: 0x00b1,
  UNCONNECTED_DATA: 0x00b2,
  LIST_SERVICES: 0x0100,
  SOCKADDR_O2T: 0x8000,
  SOCKADDR_T2O: 0x8001,
  SEQUENCED_ADDRESS: 0x8002,
} as const;

/** Vol. 1 Appendix A, Table: common services (0x00..0x31): [name, op]. */
export const COMMON_SERVICES: Readonly<Record<number, readonly [string, OpClass]>> = {
  0x01: ['Get_Attribute_All', 'read'],
  0x02: ['Set_Attribute_All', 'write'],
  0x03: ['Get_Attribute_List', 'read'],
  0x04: ['Set_Attribute_List', 'write'],
  0x05: ['Reset', 'control'],
  0x06: ['Start', 'control'],
  0x07: ['Stop', 'control'],
  0x08: ['Create', 'write'],
  0x09: ['Delete', 'write'],
  0x0a: ['Multiple_Service_Packet', 'other'],
  0x0d: ['Apply_Attributes', 'write'],
  0x0e: ['Get_Attribute_Single', 'read'],
  0x10: ['Set_Attribute_Single', 'write'],
  0x11: ['Find_Next_Object_Instance', 'read'],
  0x14: ['Error_Response', 'other'],
  0x15: ['Restore', 'write'],
  0x16: ['Save', 'write'],
  0x17: ['No_Operation', 'diagnostic'],
  0x18: ['Get_Member', 'read'],
  0x19: ['Set_Member', 'write'],
  0x1a: ['Insert_Member', 'write'],
  0x1b: ['Remove_Member', 'write'],
  0x1c: ['GroupSync', 'other'],
};

export const CLASS = {
  IDENTITY: 0x01,
  MESSAGE_ROUTER: 0x02,
  CONNECTION_MANAGER: 0x06,
  FILE: 0x37,
  PCCC: 0x67,
  SYMBOL: 0x6b,
  /** Rockwell's firmware-update object (ControlFLASH), as seen in openics-eip-firmware-change */
  FIRMWARE_UPDATE: 0xa1,
} as const;

export const SVC = {
  MULTIPLE_SERVICE_PACKET: 0x0a,
  UNCONNECTED_SEND: 0x52,
} as const;

/** Class-specific services (0x4B..0x5B) per class: [name, op]. */
type ServiceTable = Readonly<Record<number, readonly [string, OpClass]>>;

export const CLASS_SERVICES: ReadonlyMap<number, ServiceTable> = new Map<number, ServiceTable>([
  // Vol. 1 §3-5.6 Connection Manager
  [CLASS.CONNECTION_MANAGER, {
    0x4e: ['Forward_Close', 'session'],
    0x52: ['Unconnected_Send', 'other'],
    0x54: ['Forward_Open', 'session'],
    0x56: ['Get_Connection_Data', 'diagnostic'],
    0x57: ['Search_Connection_Data', 'diagnostic'],
    0x5a: ['Get_Connection_Owner', 'diagnostic'],
    0x5b: ['Large_Forward_Open', 'session'],
  }],
  // Vol. 1 §5A-42 File object: moving EDS files and device programs in and out
  [CLASS.FILE, {
    0x4b: ['Initiate_Upload', 'program'],
    0x4c: ['Initiate_Download', 'program'],
    0x4d: ['Initiate_Partial_Read', 'program'],
    0x4e: ['Initiate_Partial_Write', 'program'],
    0x4f: ['Upload_Transfer', 'program'],
    0x50: ['Download_Transfer', 'program'],
    0x51: ['Clear_File', 'program'],
  }],
  [CLASS.PCCC, { 0x4b: ['Execute_PCCC', 'other'] }],
]);

/**
 * Rockwell Logix tag services, addressed by a symbolic segment or the Symbol object (class 0x6B)
 * (Rockwell "Logix5000 Data Access" manual, 1756-PM020).
 */
export const LOGIX_TAG_SERVICES: Readonly<Record<number, readonly [string, OpClass]>> = {
  0x4c: ['Read_Tag', 'read'],
  0x4d: ['Write_Tag', 'write'],
  0x4e: ['Read_Modify_Write_Tag', 'write'],
  0x52: ['Read_Tag_Fragmented', 'read'],
  0x53: ['Write_Tag_Fragmented', 'write'],
  0x55: ['Get_Instance_Attribute_List', 'read'],
};

/**
 * Logix controller classes through which RSLogix downloads a project (openics-eip-software-download:
 * Create on program/routine objects, transfer services 0x4B..0x51 on class 0x6A, the File-object
 * pattern). Vol. 1 §5A-1 reserves 0x64..0xC7 for vendor-specific objects.
 */
export const LOGIX_PROGRAM_CLASSES: ReadonlySet<number> = new Set([0x68, 0x6a, 0x6d, 0x74, 0x7e]);

/** Vol. 1 Appendix B-1: general status codes. */
export const GENERAL_STATUS: Readonly<Record<number, string>> = {
  0x01: 'Connection failure',
  0x02: 'Resource unavailable',
  0x03: 'Invalid parameter value',
  0x04: 'Path segment error',
  0x05: 'Path destination unknown',
  0x06: 'Partial transfer',
  0x07: 'Connection lost',
  0x08: 'Service not supported',
  0x09: 'Invalid attribute value',
  0x0a: 'Attribute list error',
  0x0b: 'Already in requested mode/state',
  0x0c: 'Object state conflict',
  0x0d: 'Object already exists',
  0x0e: 'Attribute not settable',
  0x0f: 'Privilege violation',
  0x10: 'Device state conflict',
  0x11: 'Reply data too large',
  0x12: 'Fragmentation of a primitive value',
  0x13: 'Not enough data',
  0x14: 'Attribute not supported',
  0x15: 'Too much data',
  0x16: 'Object does not exist',
  0x17: 'Service fragmentation sequence not in progress',
  0x18: 'No stored attribute data',
  0x19: 'Store operation failure',
  0x1a: 'Routing failure, request packet too large',
  0x1b: 'Routing failure, response packet too large',
  0x1c: 'Missing attribute list entry data',
  0x1d: 'Invalid attribute value list',
  0x1e: 'Embedded service error',
  0x1f: 'Vendor specific error',
  0x20: 'Invalid parameter',
  0x21: 'Write-once value or medium already written',
  0x22: 'Invalid reply received',
  0x25: 'Key failure in path',
  0x26: 'Path size invalid',
  0x27: 'Unexpected attribute in list',
  0x28: 'Invalid member ID',
  0x29: 'Member not settable',
};

/** ODVA vendor ids of common devices (the full list is ODVA's; only ids seen in the field here). */
export const VENDORS: Readonly<Record<number, string>> = {
  1: 'Rockwell Automation/Allen-Bradley',
  47: 'Omron Corporation',
  309: 'ProSoft Technology',
};

/** Vol. 1 Table 5A-2.1: device type (profile) codes. */
export const DEVICE_TYPES: Readonly<Record<number, string>> = {
  0x00: 'Generic Device',
  0x02: 'AC Drive',
  0x03: 'Motor Overload',
  0x04: 'Limit Switch',
  0x05: 'Inductive Proximity Switch',
  0x06: 'Photoelectric Sensor',
  0x07: 'General Purpose Discrete I/O',
  0x09: 'Resolver',
  0x0c: 'Communications Adapter',
  0x0e: 'Programmable Logic Controller',
  0x10: 'Position Controller',
  0x13: 'DC Drive',
  0x15: 'Contactor',
  0x16: 'Motor Starter',
  0x17: 'Soft Start',
  0x18: 'Human-Machine Interface',
  0x1a: 'Mass Flow Controller',
  0x1b: 'Pneumatic Valve',
  0x1c: 'Vacuum Pressure Gauge',
  0x22: 'Encoder',
  0x23: 'Safety Discrete I/O Device',
  0x25: 'CIP Motion Drive',
  0x2b: 'Generic Device (keyable)',
};
