// FINS response data (W342 §5-3): read data whose layout depends on the command (matched by SID in
// frame.ts), controller identity and status, clock, cycle time, error log. A short body throws
// Truncated, which frame.ts turns into fins.truncated while keeping the PDU.
import type { AppPdu, Identity } from '../../decode/pdu.js';
import { cstr, type Reader } from '../../decode/reader.js';
import { MEMORY_AREAS, RUN_STATUS } from './codes.js';
import {
  areaName, clock, countWithLast, type Flag, hex2, MAX_ITEMS, parameterArea, type Pending, runMode, values,
} from './fields.js';

export function responseBody(code: number, r: Reader, p: AppPdu, pending: Pending | null, flag: Flag): void {
  if (p.exception) {
    // ACCESS RIGHT ACQUIRE refused (3001): the response names who holds the access right
    if (code === 0x0c01 && r.left >= 3) p.holder = { network: r.u8(), node: r.u8(), unit: r.u8() };
    if (r.left > 0) p.dataLength = r.rest().length;
    return;
  }
  switch (code) {
    case 0x0101: { // MEMORY AREA READ: the items' data; its layout comes from the command
      const data = r.rest();
      if (pending?.area !== undefined) {
        p.area = pending.area;
        p.areaName = areaName(pending.area);
        p.address = pending.address;
        p.bit = pending.bit;
        p.count = pending.count;
        values(data, pending.area, pending.count!, p, flag);
      }
      if (p.values === undefined) p.dataLength = data.length;
      return;
    }
    case 0x0104: { // MULTIPLE MEMORY AREA READ: (area, data) per item, in the command's order
      const areas = pending?.areas;
      if (!areas) { p.dataLength = r.rest().length; return; }
      const out: number[] = [];
      for (const area of areas) {
        const size = MEMORY_AREAS.get(area)?.size ?? 0;
        if (size !== 1 && size !== 2) { p.dataLength = r.rest().length; return; }
        if (r.u8() !== area) { flag('fins.length_mismatch'); r.pos = r.end; return; }
        out.push(size === 1 ? r.u8() : r.u16());
      }
      p.values = out;
      if (r.left > 0) flag('fins.length_mismatch');
      return;
    }
    case 0x0201: // PARAMETER AREA READ: area code, beginning word, number of words (bit 15: last), data
      parameterArea(r, p);
      countWithLast(r.u16(), p);
      p.dataLength = r.left;
      return;
    case 0x0306: case 0x0307: // PROGRAM AREA READ (and WRITE's echo): program number, beginning word, bytes (bit 15: last)[, data]
      p.programNumber = r.u16();
      p.address = r.u32();
      countWithLast(r.u16(), p);
      if (code === 0x0306) p.dataLength = r.left;
      return;
    case 0x0501:
      if (pending?.selector !== 1 && r.left >= 40) controllerData(r, p);
      else if (r.left > 0) p.dataLength = r.rest().length;
      return;
    case 0x0502: // CONNECTION DATA READ: first unit address, number of units, then the units' model numbers
      p.unitAddress = r.u8();
      p.count = r.u8();
      if (r.left > 0) p.dataLength = r.rest().length;
      return;
    case 0x0601: { // CONTROLLER STATUS READ: status, mode, fatal and non-fatal error bits, message, FAL/FALS, message text
      const status = r.u8();
      p.status = status;
      p.statusName = RUN_STATUS[status] ?? `Unknown (0x${hex2(status)})`;
      runMode(r.u8(), p);
      p.fatalErrorData = r.u16();
      p.nonFatalErrorData = r.u16();
      if (r.left >= 4) {
        p.messageFlags = r.u16(); // which of messages 0-7 exist
        p.falNumber = r.u16(); // FAL/FALS number of the current error
      }
      if (r.left > 0) {
        const msg = cstr(r.bytes(Math.min(16, r.left)));
        if (msg) p.errorMessage = msg;
      }
      return;
    }
    case 0x0620: // CYCLE TIME READ: average, maximum, minimum, in 0.1 ms
      if (r.left >= 12) {
        p.averageCycleTimeMs = r.u32() / 10;
        p.maxCycleTimeMs = r.u32() / 10;
        p.minCycleTimeMs = r.u32() / 10;
      }
      return;
    case 0x0701: // CLOCK READ
      clock(r, p);
      return;
    case 0x2102: { // ERROR LOG READ: max records, stored records, records read, then 10 bytes per record
      p.maxRecords = r.u16();
      p.storedRecords = r.u16();
      const n = (p.count = r.u16());
      const errors: Array<{ code: number; detail: number }> = [];
      for (let i = 0; i < n; i++) {
        if (i === MAX_ITEMS) { flag('fins.too_many_items'); break; }
        errors.push({ code: r.u16(), detail: r.u16() });
        r.skip(6); // minute, second, day, hour, year, month
      }
      p.errors = errors;
      return;
    }
    default:
      if (r.left > 0) p.dataLength = r.rest().length;
  }
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * CONTROLLER DATA READ response (W342 §5-3-15): model (20 bytes ASCII, space-filled), internal
 * system version (20 bytes, NUL-filled), 40 bytes for system use, 12 bytes of area data. Only the
 * device that answers describes itself, so this is the identity of the response's sender; its
 * source unit address 00 is the CPU Unit, a PLC.
 */
function controllerData(r: Reader, p: AppPdu): void {
  const model = cstr(r.bytes(20));
  const version = cstr(r.bytes(20));
  // both are ASCII; anything else is not a model name to put in the inventory
  if (!PRINTABLE.test(model) || !PRINTABLE.test(version)) {
    p.dataLength = r.rest().length + 40;
    return;
  }
  p.controllerModel = model;
  p.controllerVersion = version;
  const id: Identity = { vendor: 'Omron' };
  if (model) id.model = model;
  if (version) id.firmwareVersion = version;
  if (p.srcUnit === 0) id.deviceType = 'PLC';
  p.identity = id;
  if (r.left >= 40 + 12) {
    r.skip(40);
    p.programAreaSize = r.u16(); // K words
    p.iomSize = r.u8(); // K bytes
    p.dmWords = r.u16();
    p.timerCounterSize = r.u8();
    p.emBanks = r.u8();
    r.skip(2);
    p.memoryCardType = r.u8();
    p.memoryCardSize = r.u16();
  }
  if (r.left > 0) r.pos = r.end; // CPU Bus Unit configuration, remote I/O and CPU information: not kept
}
