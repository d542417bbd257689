// FINS command parameters (W342 §5-3; W227 for the CV-series commands), read from a Reader bounded
// to the frame: a short body throws Truncated, which frame.ts turns into fins.truncated while keeping
// the PDU. Program data, file contents and passwords are never kept, only their lengths.
import type { AppPdu } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import { FORCE_ACTIONS } from './codes.js';
import {
  clock, countWithLast, directory, disk, type Flag, MAX_ITEMS, type MemoryAddress, memoryAddress, parameterArea, type Pending, runMode, values,
} from './fields.js';

export function requestBody(code: number, r: Reader, p: AppPdu, pending: Pending, flag: Flag): void {
  switch (code) {
    case 0x0101: { // MEMORY AREA READ: area, address, bit, number of items
      const a = memoryAddress(r);
      Object.assign(p, a);
      pending.area = a.area;
      pending.address = a.address;
      pending.bit = a.bit;
      pending.count = p.count = r.u16();
      return;
    }
    case 0x0102: { // MEMORY AREA WRITE: area, address, bit, number of items, data
      const a = memoryAddress(r);
      Object.assign(p, a);
      const count = (p.count = r.u16());
      values(r.rest(), a.area, count, p, flag);
      return;
    }
    case 0x0103: // MEMORY AREA FILL: area, address, bit, number of items, one word
      Object.assign(p, memoryAddress(r));
      p.count = r.u16();
      p.value = r.u16();
      return;
    case 0x0104: { // MULTIPLE MEMORY AREA READ: (area, address, bit) per item
      const items: MemoryAddress[] = [];
      const areas: number[] = [];
      while (r.left > 0) {
        if (items.length === MAX_ITEMS) { flag('fins.too_many_items'); break; }
        const a = memoryAddress(r);
        areas.push(a.area);
        items.push(a);
      }
      p.items = items;
      pending.areas = areas;
      return;
    }
    case 0x0105: { // MEMORY AREA TRANSFER: source, destination, number of items
      Object.assign(p, memoryAddress(r));
      const to = memoryAddress(r);
      p.toArea = to.area;
      p.toAreaName = to.areaName;
      p.toAddress = to.address;
      p.toBit = to.bit;
      p.count = r.u16();
      return;
    }
    case 0x0201: // PARAMETER AREA READ: area code, beginning word, number of words
      parameterArea(r, p);
      p.count = r.u16() & 0x7fff;
      return;
    case 0x0202: // PARAMETER AREA WRITE: area code, beginning word, number of words (bit 15: last), data
      parameterArea(r, p);
      countWithLast(r.u16(), p);
      p.dataLength = r.left;
      return;
    case 0x0203: // PARAMETER AREA CLEAR: area code, beginning word, number of words, 0000
      parameterArea(r, p);
      p.count = r.u16();
      return;
    case 0x0304: case 0x0305: case 0x0308: case 0x0402: case 0x0c01: case 0x0c02: case 0x0c03:
      // program number (FFFF) first; the protect commands' password is not kept
      if (r.left >= 2) p.programNumber = r.u16();
      if (code === 0x0308 && r.left > 0) p.clearCode = r.u8();
      return;
    case 0x0306: // PROGRAM AREA READ: program number, beginning word (4), number of bytes
      p.programNumber = r.u16();
      p.address = r.u32();
      p.count = r.u16() & 0x7fff;
      return;
    case 0x0307: { // PROGRAM AREA WRITE: program number, beginning word, number of bytes (bit 15: last), data
      p.programNumber = r.u16();
      p.address = r.u32();
      countWithLast(r.u16(), p);
      p.dataLength = r.left;
      if (r.left !== p.count) flag('fins.length_mismatch');
      return;
    }
    case 0x0401: // RUN: program number, mode (02 MONITOR, 04 RUN), both optional
      if (r.left >= 2) p.programNumber = r.u16();
      if (r.left >= 1) runMode(r.u8(), p);
      return;
    case 0x0501: // CONTROLLER DATA READ: which data (00: model to area data, 01: units to CPU information), optional
      if (r.left >= 1) pending.selector = p.selector = r.u8();
      return;
    case 0x0502: // CONNECTION DATA READ: first unit address, number of units
      p.unitAddress = r.u8();
      p.count = r.u8();
      return;
    case 0x0620: // CYCLE TIME READ: 00 initialize, 01 read
      p.parameter = r.u8();
      return;
    case 0x0702: // CLOCK WRITE
      clock(r, p);
      return;
    case 0x0920: // MESSAGE READ/CLEAR: message numbers and the read/clear bits
      p.parameter = r.u16();
      return;
    case 0x2101: // ERROR CLEAR: error code to clear (FFFE current error, FFFF all)
      p.errorCode = r.u16();
      return;
    case 0x2102: // ERROR LOG READ: beginning record, number of records
      p.record = r.u16();
      p.count = r.u16();
      return;
    case 0x2201: // FILE NAME READ: disk, beginning file position, number of files, directory
      disk(r, p);
      p.position = r.u16();
      p.count = r.u16();
      directory(r, p);
      return;
    case 0x2202: // SINGLE FILE READ: disk, file name, file position, data length, directory
      disk(r, p);
      p.fileName = r.text(12);
      p.position = r.u32();
      p.dataLength = r.u16();
      directory(r, p);
      return;
    case 0x2203: { // SINGLE FILE WRITE: disk, parameter code, file name, file position, data length, data, directory
      disk(r, p);
      p.parameter = r.u16();
      p.fileName = r.text(12);
      p.position = r.u32();
      const n = (p.dataLength = r.u16());
      r.skip(n);
      directory(r, p);
      return;
    }
    case 0x2204: // FILE MEMORY FORMAT
      disk(r, p);
      return;
    case 0x2205: { // FILE DELETE: disk, number of files, file names, directory
      disk(r, p);
      const n = (p.count = r.u16());
      const names: string[] = [];
      p.fileNames = names;
      for (let i = 0; i < n; i++) {
        if (i === MAX_ITEMS) { flag('fins.too_many_items'); return; } // the directory is past the names not read
        names.push(r.text(12));
      }
      directory(r, p);
      return;
    }
    case 0x2207: // FILE COPY: source disk and name, destination disk and name (directories not kept)
      disk(r, p);
      p.fileName = r.text(12);
      p.toDisk = r.u16();
      p.toFileName = r.text(12);
      return;
    case 0x2208: // FILE NAME CHANGE: disk, old name, new name, directory
      disk(r, p);
      p.fileName = r.text(12);
      p.toFileName = r.text(12);
      directory(r, p);
      return;
    case 0x2215: // CREATE/DELETE DIRECTORY: disk, 0000 create / 0001 delete, name, directory
      disk(r, p);
      p.parameter = r.u16();
      p.fileName = r.text(12);
      directory(r, p);
      return;
    case 0x2301: { // FORCED SET/RESET: number of bits, then (specification, area, address, bit) per bit
      const n = (p.count = r.u16());
      const items: Array<Record<string, unknown>> = [];
      for (let i = 0; i < n; i++) {
        if (i === MAX_ITEMS) { flag('fins.too_many_items'); break; }
        const spec = r.u16();
        items.push({ action: spec, actionName: FORCE_ACTIONS[spec] ?? `Unknown (0x${spec.toString(16).padStart(4, '0')})`, ...memoryAddress(r) });
      }
      p.items = items;
      return;
    }
    default:
      if (r.left > 0) p.dataLength = r.rest().length;
  }
}
