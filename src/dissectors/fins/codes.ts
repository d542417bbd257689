// Omron FINS code tables: command codes (MRC/SRC), end codes (MRES/SRES), I/O memory area codes,
// parameter area codes, operating modes, and the FINS/TCP header commands and error codes.
// Sources: SYSMAC CS/CJ/CP/NSJ Communications Commands Reference Manual (W342) §5-1-3 end codes,
// §5-2-2 I/O memory area designations, §5-3 the commands; the CV-series FINS Commands Reference
// Manual (W227) for the commands CS/CJ CPUs dropped (data link tables, program protect, reset,
// tests, names); the CS/CJ Ethernet Unit manual (CJ1W-ETN21) §7-4-2 for FINS/TCP.
import type { OpClass } from '../../decode/pdu.js';

export interface Command {
  name: string;
  op: OpClass;
  /** snake_case name, the PDU kind stem (`<stem>_request` / `<stem>_response`) */
  stem: string;
}

// Classes: reading data or status is `read`; identification and tests `diagnostic`; changing I/O
// memory, parameters or the clock `write`; uploading, downloading or deleting the user program or
// files `program` (what only programming tools do); RUN/STOP, forcing bits and clearing errors
// change how the controller runs, `control`; the access right is a lock, `session`.
const TABLE: ReadonlyArray<[number, string, OpClass]> = [
  [0x0101, 'Memory Area Read', 'read'],
  [0x0102, 'Memory Area Write', 'write'],
  [0x0103, 'Memory Area Fill', 'write'],
  [0x0104, 'Multiple Memory Area Read', 'read'],
  [0x0105, 'Memory Area Transfer', 'write'],
  [0x0201, 'Parameter Area Read', 'read'],
  [0x0202, 'Parameter Area Write', 'write'],
  [0x0203, 'Parameter Area Clear', 'write'],
  [0x0220, 'Data Link Table Read', 'read'],
  [0x0221, 'Data Link Table Write', 'write'],
  [0x0304, 'Program Area Protect', 'program'],
  [0x0305, 'Program Area Protect Clear', 'program'],
  [0x0306, 'Program Area Read', 'program'],
  [0x0307, 'Program Area Write', 'program'],
  [0x0308, 'Program Area Clear', 'program'],
  [0x0401, 'Run', 'control'],
  [0x0402, 'Stop', 'control'],
  [0x0403, 'Reset', 'control'],
  [0x0501, 'Controller Data Read', 'diagnostic'],
  [0x0502, 'Connection Data Read', 'diagnostic'],
  [0x0601, 'Controller Status Read', 'read'],
  [0x0602, 'Network Status Read', 'read'],
  [0x0603, 'Data Link Status Read', 'read'],
  [0x0620, 'Cycle Time Read', 'read'],
  [0x0701, 'Clock Read', 'read'],
  [0x0702, 'Clock Write', 'write'],
  [0x0801, 'Loopback Test', 'diagnostic'],
  [0x0802, 'Broadcast Test Results Read', 'diagnostic'],
  [0x0803, 'Broadcast Test Data Send', 'diagnostic'],
  [0x0920, 'Message Read/Clear', 'read'],
  [0x0c01, 'Access Right Acquire', 'session'],
  [0x0c02, 'Access Right Forced Acquire', 'session'],
  [0x0c03, 'Access Right Release', 'session'],
  [0x2101, 'Error Clear', 'control'],
  [0x2102, 'Error Log Read', 'read'],
  [0x2103, 'Error Log Clear', 'write'],
  [0x2140, 'FINS Write Access Log Read', 'read'],
  [0x2141, 'FINS Write Access Log Clear', 'write'],
  [0x2201, 'File Name Read', 'read'],
  [0x2202, 'Single File Read', 'program'],
  [0x2203, 'Single File Write', 'program'],
  [0x2204, 'File Memory Format', 'program'],
  [0x2205, 'File Delete', 'program'],
  [0x2206, 'Volume Label Create/Delete', 'program'],
  [0x2207, 'File Copy', 'program'],
  [0x2208, 'File Name Change', 'program'],
  [0x2209, 'File Data Check', 'read'],
  [0x220a, 'Memory Area-File Transfer', 'program'],
  [0x220b, 'Parameter Area-File Transfer', 'program'],
  [0x220c, 'Program Area-File Transfer', 'program'],
  [0x220f, 'File Memory Index Read', 'read'],
  [0x2210, 'File Memory Read', 'program'],
  [0x2211, 'File Memory Write', 'program'],
  [0x2215, 'Create/Delete Directory', 'program'],
  [0x2220, 'Memory Cassette Transfer', 'program'],
  [0x2301, 'Forced Set/Reset', 'control'],
  [0x2302, 'Forced Set/Reset Cancel', 'control'],
  [0x230a, 'Multiple Forced Status Read', 'read'],
  [0x2601, 'Name Set', 'write'],
  [0x2602, 'Name Delete', 'write'],
  [0x2603, 'Name Read', 'read'],
];

const stemOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

export const COMMANDS: ReadonlyMap<number, Command> = new Map(TABLE.map(([code, name, op]) => [code, { name, op, stem: stemOf(name) }]));

/**
 * End codes (W342 §5-1-3), with the flag bits already masked off: bit 15 (network relay error) of
 * MRES and bits 7/6 (fatal/non-fatal CPU Unit error) of SRES report the path and the controller's
 * health, not the command's result.
 */
export const END_CODES: ReadonlyMap<number, string> = new Map([
  [0x0000, 'Normal completion'], [0x0001, 'Service canceled'],
  [0x0101, 'Local node not in network'], [0x0102, 'Token timeout'], [0x0103, 'Retries failed'],
  [0x0104, 'Too many send frames'], [0x0105, 'Node address range error'], [0x0106, 'Node address duplication'],
  [0x0201, 'Destination node not in network'], [0x0202, 'Unit missing'], [0x0203, 'Third node missing'],
  [0x0204, 'Destination node busy'], [0x0205, 'Response timeout'],
  [0x0301, 'Communications controller error'], [0x0302, 'CPU Unit error'], [0x0303, 'Controller error'], [0x0304, 'Unit number error'],
  [0x0401, 'Undefined command'], [0x0402, 'Not supported by model/version'],
  [0x0501, 'Destination address setting error'], [0x0502, 'No routing tables'], [0x0503, 'Routing table error'], [0x0504, 'Too many relays'],
  [0x1001, 'Command too long'], [0x1002, 'Command too short'], [0x1003, 'Elements/data do not match'],
  [0x1004, 'Command format error'], [0x1005, 'Header error'],
  [0x1101, 'Area classification missing'], [0x1102, 'Access size error'], [0x1103, 'Address range error'],
  [0x1104, 'Address range exceeded'], [0x1106, 'Program missing'], [0x1109, 'Relational error'],
  [0x110a, 'Duplicate data access'], [0x110b, 'Response too long'], [0x110c, 'Parameter error'],
  [0x2002, 'Protected'], [0x2003, 'Table missing'], [0x2004, 'Data missing'], [0x2005, 'Program missing'],
  [0x2006, 'File missing'], [0x2007, 'Data mismatch'],
  [0x2101, 'Read-only'], [0x2102, 'Protected'], [0x2103, 'Cannot register'], [0x2105, 'Program missing'],
  [0x2106, 'File missing'], [0x2107, 'File name already exists'], [0x2108, 'Cannot change'],
  [0x2201, 'Not possible during execution'], [0x2202, 'Not possible while running'],
  [0x2203, 'Wrong PLC mode (PROGRAM mode)'], [0x2204, 'Wrong PLC mode (DEBUG mode)'],
  [0x2205, 'Wrong PLC mode (MONITOR mode)'], [0x2206, 'Wrong PLC mode (RUN mode)'],
  [0x2207, 'Specified node not polling node'], [0x2208, 'Step cannot be executed'],
  [0x2301, 'File device missing'], [0x2302, 'Memory missing'], [0x2303, 'Clock missing'],
  [0x2401, 'Table missing'],
  [0x2502, 'Memory error'], [0x2503, 'I/O setting error'], [0x2504, 'Too many I/O points'], [0x2505, 'CPU bus error'],
  [0x2506, 'I/O duplication'], [0x2507, 'I/O bus error'], [0x2509, 'SYSMAC BUS/2 error'], [0x250a, 'CPU Bus Unit error'],
  [0x250d, 'SYSMAC BUS number duplication'], [0x250f, 'Memory error'], [0x2510, 'SYSMAC BUS terminator missing'],
  [0x2601, 'No protection'], [0x2602, 'Incorrect password'], [0x2604, 'Protected'], [0x2605, 'Service already executing'],
  [0x2606, 'Service stopped'], [0x2607, 'No execution right'], [0x2608, 'Settings not complete'],
  [0x2609, 'Necessary items not set'], [0x260a, 'Number already defined'], [0x260b, 'Error will not clear'],
  [0x3001, 'No access right'], [0x4001, 'Service aborted'],
]);

/** Main response codes (MRES), for sub-codes the table above does not list. */
const MAIN_CODES: Readonly<Record<number, string>> = {
  0x00: 'Normal completion', 0x01: 'Local node error', 0x02: 'Destination node error', 0x03: 'Communications controller error',
  0x04: 'Not executable', 0x05: 'Routing error', 0x10: 'Command format error', 0x11: 'Parameter error',
  0x20: 'Read not possible', 0x21: 'Write not possible', 0x22: 'Not executable in current mode', 0x23: 'No such device',
  0x24: 'Cannot start/stop', 0x25: 'Unit error', 0x26: 'Command error', 0x30: 'Access right error', 0x40: 'Abort',
};

export const isMainCode = (mres: number): boolean => Object.hasOwn(MAIN_CODES, mres & 0x7f);

export function endCodeName(code: number): string {
  const known = END_CODES.get(code);
  if (known !== undefined) return known;
  const main = MAIN_CODES[code >> 8];
  return `${main ?? 'Unknown end code'} (0x${code.toString(16).padStart(4, '0')})`;
}

export interface Area {
  name: string;
  /** bytes per element in read and write data (W342 §5-2-2); 0 when not a plain bit or word */
  size: number;
}

// I/O memory area codes (W342 §5-2-2 for CS/CJ/CP; W227 for the CV-series codes that do not clash).
// Bit designations carry one byte per element, words two; words with forced status four (data word
// and forced status word), as do index registers.
const AREAS: Array<[number, string, number]> = [
  [0x30, 'CIO bit', 1], [0x31, 'WR bit', 1], [0x32, 'HR bit', 1], [0x33, 'AR bit', 1],
  [0x70, 'CIO bit with forced status', 1], [0x71, 'WR bit with forced status', 1], [0x72, 'HR bit with forced status', 1],
  [0xb0, 'CIO word', 2], [0xb1, 'WR word', 2], [0xb2, 'HR word', 2], [0xb3, 'AR word', 2],
  [0xf0, 'CIO word with forced status', 4], [0xf1, 'WR word with forced status', 4], [0xf2, 'HR word with forced status', 4],
  [0x09, 'Timer/counter completion flag', 1], [0x49, 'Timer/counter completion flag with forced status', 1], [0x89, 'Timer/counter PV', 2],
  [0x02, 'DM bit', 1], [0x82, 'DM word', 2],
  [0x0a, 'EM current bank bit', 1], [0x98, 'EM current bank word', 2], [0xbc, 'Data register PV / EM current bank number', 2],
  [0x06, 'Task flag bit', 1], [0x46, 'Task flag status', 1], [0x07, 'Clock pulses/condition flags bit', 1],
  [0xdc, 'Index register PV', 4],
  // CV-series (W227)
  [0x00, 'CIO bit (CV)', 1], [0x40, 'CIO bit with forced status (CV)', 1], [0x80, 'CIO word (CV)', 2], [0xc0, 'CIO word with forced status (CV)', 4],
  [0x01, 'Timer/counter completion flag (CV)', 1], [0x41, 'Timer/counter completion flag with forced status (CV)', 1], [0x81, 'Timer/counter PV (CV)', 2],
  [0x03, 'Transition flag (CV)', 1], [0x43, 'Transition flag with forced status (CV)', 1], [0x04, 'Step flag (CV)', 1],
  [0x44, 'Step status (CV)', 1], [0x84, 'Step timer PV (CV)', 2], [0x05, 'Forced status bit (CV)', 1], [0x85, 'Forced status word (CV)', 2],
  [0x1b, 'Action flag (CV)', 1], [0x9c, 'Register / EM current bank number (CV)', 2],
];
for (let bank = 0; bank <= 0x0c; bank++) {
  const n = bank.toString(16).toUpperCase();
  AREAS.push([0x20 + bank, `EM bank ${n} bit`, 1], [0xa0 + bank, `EM bank ${n} word`, 2]);
}
for (let bank = 0; bank <= 7; bank++) AREAS.push([0x90 + bank, `Expansion DM bank ${bank} word (CV)`, 2]);

export const MEMORY_AREAS: ReadonlyMap<number, Area> = new Map(AREAS.map(([code, name, size]) => [code, { name, size }]));

/** Parameter area codes (W342 §5-3 PARAMETER AREA READ; W227). */
export const PARAMETER_AREAS: Readonly<Record<number, string>> = {
  0x8010: 'PLC Setup', 0x8011: 'Peripheral device settings', 0x8012: 'I/O table', 0x8013: 'Routing tables', 0x8002: 'CPU Bus Unit settings',
};

/** Operating modes (RUN command, CONTROLLER STATUS READ). */
export const MODES: Readonly<Record<number, string>> = { 0x00: 'PROGRAM', 0x01: 'DEBUG', 0x02: 'MONITOR', 0x04: 'RUN' };

/** CONTROLLER STATUS READ status byte. */
export const RUN_STATUS: Readonly<Record<number, string>> = { 0x00: 'Stop', 0x01: 'Run', 0x80: 'CPU on standby' };

/** FORCED SET/RESET specification codes. */
export const FORCE_ACTIONS: Readonly<Record<number, string>> = {
  0x0000: 'Force reset', 0x0001: 'Force set', 0x8000: 'Release, bit OFF', 0x8001: 'Release, bit ON', 0xffff: 'Release',
};

/** File memory disk numbers (W342 §5-3 file memory commands). */
export const DISKS: Readonly<Record<number, string>> = { 0x8000: 'Memory card', 0x8001: 'EM file memory' };

// ---------------------------------------------------------------- FINS/TCP (CJ1W-ETN21 manual §7-4-2)

export const TCP_COMMANDS: Readonly<Record<number, { name: string; kind: string }>> = {
  0: { name: 'Node Address Data Send (Client to Server)', kind: 'node_address_request' },
  1: { name: 'Node Address Data Send (Server to Client)', kind: 'node_address_response' },
  2: { name: 'Frame Send', kind: 'frame_send' },
  3: { name: 'Frame Send Error Notification', kind: 'frame_send_error' },
  6: { name: 'Connection Confirmation', kind: 'connection_confirmation' },
};

export const TCP_ERRORS: Readonly<Record<number, string>> = {
  0x00: 'Normal', 0x01: 'Header is not FINS', 0x02: 'Data length too long', 0x03: 'Command not supported',
  0x20: 'All connections in use', 0x21: 'Node already connected', 0x22: 'Protected node accessed from an unspecified IP address',
  0x23: 'Client node address out of range', 0x24: 'Client and server use the same node address', 0x25: 'No node address left to allocate',
};
