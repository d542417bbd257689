// DNP3 code tables (IEEE 1815-2012): link function codes (clause 9), application function codes and
// their operation classes (clause 4), and the object library sizes the header walk needs (Annex A).
import type { OpClass } from '../../decode/pdu.js';

/** Link function codes (clause 9: PRM=1 and PRM=0 tables), primary (PRM=1) and secondary. */
export const linkPrimaryNames: Record<number, string> = {
  0: 'Reset Link States', 2: 'Test Link States', 3: 'Confirmed User Data', 4: 'Unconfirmed User Data', 9: 'Request Link Status',
};
export const linkSecondaryNames: Record<number, string> = { 0: 'Ack', 1: 'Nack', 11: 'Link Status', 15: 'Not Supported' };

/** Application function codes (clause 4, function code table); names as Wireshark shows them. */
export const dnp3FunctionNames: Record<number, string> = {
  0: 'Confirm', 1: 'Read', 2: 'Write', 3: 'Select', 4: 'Operate', 5: 'Direct Operate', 6: 'Direct Operate No Ack',
  7: 'Immediate Freeze', 8: 'Immediate Freeze No Ack', 9: 'Freeze and Clear', 10: 'Freeze and Clear No Ack',
  11: 'Freeze at Time', 12: 'Freeze at Time No Ack', 13: 'Cold Restart', 14: 'Warm Restart', 15: 'Initialize Data',
  16: 'Initialize Application', 17: 'Start Application', 18: 'Stop Application', 19: 'Save Configuration',
  20: 'Enable Unsolicited', 21: 'Disable Unsolicited', 22: 'Assign Class', 23: 'Delay Measure', 24: 'Record Current Time',
  25: 'Open File', 26: 'Close File', 27: 'Delete File', 28: 'Get File Info', 29: 'Authenticate File', 30: 'Abort File',
  31: 'Activate Config', 32: 'Authentication Request', 33: 'Authentication Request No Ack',
  129: 'Response', 130: 'Unsolicited Response', 131: 'Authentication Response',
};

export const KINDS: Record<number, string> = Object.fromEntries(
  Object.entries(dnp3FunctionNames).map(([k, v]) => [k, v.toLowerCase().replace(/ /g, '_')]));

export const opOf = (fc: number): OpClass | undefined => {
  if (fc === 1) return 'read';
  if (fc === 2 || fc === 22) return 'write';
  if ((fc >= 3 && fc <= 18)) return 'control'; // select/operate, freezes, restarts, application start/stop
  if (fc === 19 || (fc >= 25 && fc <= 31)) return 'program'; // configuration and file transfer
  if (fc === 23 || fc === 24) return 'diagnostic'; // time synchronisation
  if (fc === 0 || fc === 20 || fc === 21 || fc === 32 || fc === 33 || fc === 131) return 'session';
  return undefined;
};

/** Requests whose object headers carry no object data, only ranges or indices (clause 4). */
export const HEADERS_ONLY = new Set([0, 1, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);

export const PACKED = -1;     // 1 bit per point (g1v1, g10v1, g12v3, g80v1)
export const PACKED2 = -2;    // 2 bits per point (g3v1 double-bit binary input)
export const BY_VARIATION = -3; // octet/string objects: the variation is the length (g110-g113)
export const ATTRIBUTE = -4;  // device attribute g0: data type, length, value (Annex A)

/** Octets per object instance by group, indexed by variation (Annex A, the object library); 0 = no data. */
const SIZES: Record<number, readonly number[]> = {
  1: [0, PACKED, 1], 2: [0, 1, 7, 3], 3: [0, PACKED2, 1], 4: [0, 1, 7, 3],
  10: [0, PACKED, 1], 11: [0, 1, 7], 12: [0, 11, 11, PACKED], 13: [0, 1, 7],
  20: [0, 5, 3, 5, 3, 4, 2, 4, 2], 21: [0, 5, 3, 5, 3, 11, 9, 11, 9, 4, 2, 4, 2],
  22: [0, 5, 3, 5, 3, 11, 9, 11, 9], 23: [0, 5, 3, 5, 3, 11, 9, 11, 9],
  30: [0, 5, 3, 4, 2, 5, 9], 31: [0, 5, 3, 11, 9, 4, 2, 5, 9], 32: [0, 5, 3, 11, 9, 5, 9, 11, 15],
  33: [0, 5, 3, 11, 9, 5, 9, 11, 15], 34: [0, 2, 4, 4],
  40: [0, 5, 3, 5, 9], 41: [0, 5, 3, 5, 9], 42: [0, 5, 3, 11, 9, 5, 9, 11, 15], 43: [0, 6, 4, 12, 10, 6, 10, 12, 16],
  50: [0, 6, 10, 6, 11], 51: [0, 6, 6], 52: [0, 2, 2], 60: [0, 0, 0, 0, 0], 80: [0, PACKED],
};

export function objectSize(group: number, variation: number): number | undefined {
  if (group === 0) return ATTRIBUTE;
  if (group >= 110 && group <= 113) return variation > 0 ? BY_VARIATION : undefined;
  const s = SIZES[group]?.[variation];
  return s === undefined || (variation === 0 && group !== 60) ? undefined : s;
}

