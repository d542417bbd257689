// Code tables for S7comm (protocol id 0x32) and S7comm-plus (0x72). Sources: the public protocol
// descriptions of S7comm (Wireshark's s7comm dissector documentation and value strings, the snap7
// project's "S7 protocol" notes, Siemens' "System Software for S7-300/400 System and Standard
// Functions" manual for SZL ids and PLC modes) and of S7comm-plus (the ICSNPP s7comm-plus
// description, Wireshark's out-of-tree s7comm_plus plugin documentation). Names follow tshark's
// wording where tshark has one, so truth comparisons read the same.
import type { OpClass } from '../../decode/pdu.js';

/** ROSCTR: the S7comm PDU type (header byte 1). */
export const rosctrNames: Readonly<Record<number, string>> = {
  1: 'Job',
  2: 'Ack',
  3: 'Ack_Data',
  7: 'Userdata',
};

/** Job / Ack_Data function codes (first parameter byte) with what they do. */
export const s7FunctionNames: Readonly<Record<number, readonly [string, OpClass]>> = {
  0x00: ['CPU services', 'other'],
  0x04: ['Read Var', 'read'],
  0x05: ['Write Var', 'write'],
  0x1a: ['Request download', 'program'],
  0x1b: ['Download block', 'program'],
  0x1c: ['Download ended', 'program'],
  0x1d: ['Start upload', 'program'],
  0x1e: ['Upload', 'program'],
  0x1f: ['End upload', 'program'],
  0x28: ['PI-Service', 'control'],
  0x29: ['PLC Stop', 'control'],
  0xf0: ['Setup communication', 'session'],
};

/** Header error classes of Ack / Ack_Data (tshark's s7comm.header.errcls). */
export const errorClassNames: Readonly<Record<number, string>> = {
  0x00: 'No error',
  0x81: 'Application relationship',
  0x82: 'Object definition',
  0x83: 'No resources available',
  0x84: 'Error on service processing',
  0x85: 'Error on supplies',
  0x87: 'Access error',
};

/** Memory areas of an S7ANY item address. */
export const areaNames: Readonly<Record<number, string>> = {
  0x03: 'System info (S7-200)',
  0x05: 'System flags (S7-200)',
  0x06: 'Analog inputs (S7-200)',
  0x07: 'Analog outputs (S7-200)',
  0x1c: 'Counter',
  0x1d: 'Timer',
  0x1e: 'IEC counter (S7-200)',
  0x1f: 'IEC timer (S7-200)',
  0x80: 'Direct peripheral access',
  0x81: 'Inputs',
  0x82: 'Outputs',
  0x83: 'Flags',
  0x84: 'Data blocks',
  0x85: 'Instance data blocks',
  0x86: 'Local data',
  0x87: 'Previous local data',
};

/** Block types as the two ASCII hex digits of a block file name ("_0A00001P" is DB 1). */
export const blockTypeNames: Readonly<Record<string, string>> = {
  '08': 'OB', '09': 'CMOD', '0A': 'DB', '0B': 'SDB', '0C': 'FC', '0D': 'SFC', '0E': 'FB', '0F': 'SFB',
};

/** Userdata function groups (low nibble of the type/group byte) with their usual operation class. */
export const userdataGroupNames: Readonly<Record<number, readonly [string, OpClass]>> = {
  0x0: ['Mode-transition', 'control'],
  0x1: ['Programmer commands', 'write'],
  0x2: ['Cyclic data', 'read'],
  0x3: ['Block functions', 'read'],
  0x4: ['CPU functions', 'diagnostic'],
  0x5: ['Security', 'session'],
  0x6: ['PBC BSEND/BRECV', 'other'],
  0x7: ['Time functions', 'diagnostic'],
  0xf: ['NC programming', 'program'],
};

/** Subfunctions per group, where a name is known (key: group << 8 | subfunction). */
export const userdataSubfunctionNames: Readonly<Record<number, string>> = {
  0x0101: 'Request diag data (Type 1)', 0x0102: 'VarTab', 0x0103: 'Read diag data', 0x0104: 'Remove diag data',
  0x0105: 'Erase', 0x0106: 'Forces', 0x0113: 'Request diag data (Type 2)',
  0x0201: 'Memory', 0x0202: 'Memory (change driven)', 0x0204: 'Unsubscribe', 0x0205: 'Memory (change driven)',
  0x0301: 'List blocks', 0x0302: 'List blocks of type', 0x0303: 'Get block info',
  0x0401: 'Read SZL', 0x0402: 'Message service', 0x0403: 'Diagnostic message', 0x0405: 'ALARM_8 indication',
  0x0406: 'NOTIFY indication', 0x0407: 'ALARM_8 lock', 0x0408: 'ALARM_8 unlock', 0x040b: 'ALARM ack',
  0x040c: 'ALARM ack indication', 0x040d: 'ALARM lock indication', 0x040e: 'ALARM unlock indication',
  0x0411: 'ALARM_SQ indication', 0x0412: 'ALARM_S indication', 0x0413: 'ALARM query', 0x0416: 'NOTIFY_8 indication',
  0x0501: 'PLC password', 0x0502: 'Clean session',
  0x0701: 'Read clock', 0x0702: 'Set clock', 0x0703: 'Read clock (following)', 0x0704: 'Set clock',
};

/** CPU modes a mode-transition push reports (its subfunction byte). */
export const cpuModeNames: Readonly<Record<number, string>> = {
  0: 'STOP', 1: 'Warm Restart', 2: 'RUN', 3: 'Hot Restart', 4: 'HOLD', 6: 'Cold Restart', 9: 'RUN_R', 11: 'LINK-UP', 12: 'UPDATE',
};

/** PI (program invocation) services and their operation class. */
export const piServiceOps: Readonly<Record<string, OpClass>> = {
  P_PROGRAM: 'control', // start (hot/warm restart; argument "C" = cold restart)
  _INSE: 'program', // activate downloaded blocks
  _DELE: 'program', // delete blocks
  _EXTE: 'program', // external: insert blocks without activation
  _GARB: 'program', // compress memory
  _MODU: 'program', // copy RAM to ROM
  _N_LOGOUT: 'session',
};

/** TPDU codes of ISO 8073 (high nibble of the COTP type byte; DT/ED use the whole byte). */
export const cotpTypeNames: Readonly<Record<number, string>> = {
  0x10: 'ED', 0x20: 'EA', 0x50: 'RJ', 0x60: 'AK', 0x70: 'ER', 0x80: 'DR', 0xc0: 'DC', 0xd0: 'CC', 0xe0: 'CR', 0xf0: 'DT',
};

/** S7comm-plus opcodes. */
export const plusOpcodeNames: Readonly<Record<number, string>> = {
  0x31: 'Request', 0x32: 'Response', 0x33: 'Notification', 0x02: 'Response2',
};

/** S7comm-plus function codes with their operation class. */
export const plusFunctionNames: Readonly<Record<number, readonly [string, OpClass]>> = {
  0x04b1: ['Error', 'other'],
  0x04bb: ['Explore', 'read'],
  0x04ca: ['Create Object', 'session'],
  0x04d4: ['Delete Object', 'session'],
  0x04f2: ['Set Variable', 'write'],
  0x04fc: ['Get Variable', 'read'],
  0x0506: ['Add Link', 'other'],
  0x051a: ['Remove Link', 'other'],
  0x0524: ['Get Link', 'read'],
  0x0542: ['Set Multi Variables', 'write'],
  0x054c: ['Get Multi Variables', 'read'],
  0x0556: ['Begin Sequence', 'program'],
  0x0560: ['End Sequence', 'program'],
  0x056b: ['Invoke', 'control'],
  0x057c: ['Set Var SubStreamed', 'write'],
  0x0586: ['Get Var SubStreamed', 'read'],
  0x0590: ['Get Variables Address', 'read'],
  0x059a: ['Abort', 'session'],
  0x05a9: ['Error', 'other'],
  0x05b3: ['Init SSL', 'session'],
};
