// SZL (system status list) answers of the userdata CPU functions (group 4, subfunction 1): the list
// header, module identification (xy11) and component identification (xy1C) entries, and the device
// identity they reveal. Layout from Siemens' SZL reference in "System Software for S7-300/400 System
// and Standard Functions" and Wireshark's s7comm dissector documentation.
import type { Identity } from '../../decode/pdu.js';
import { cstr, type Reader } from '../../decode/reader.js';

/** The identity an SZL answer reveals about the device that sent it. */
export function szlIdentity(szl: SzlResult): Identity | undefined {
  const id: Identity = {};
  for (const m of szl.modules ?? []) {
    if (m.index === 1 && m.orderNumber) {
      id.model = m.orderNumber;
      id.hardwareVersion = String(m.version);
    }
    // index 7: firmware; Ausbg = 'V' and major, Ausbe = minor and patch
    if (m.index === 7 && m.version >> 8 === 0x56) id.firmwareVersion = `V${m.version & 0xff}.${m.ext >> 8}.${m.ext & 0xff}`;
  }
  const c = szl.components;
  if (c) {
    if (c.plcName) id.name = c.plcName;
    if (c.moduleName) id.productName = c.moduleName;
    if (c.serialNumber) id.serial = c.serialNumber;
    if (c.cpuType) id.deviceType = c.cpuType;
  }
  if (Object.keys(id).length === 0) return undefined;
  id.vendor = 'Siemens';
  return id;
}

interface SzlModule { index: number; orderNumber: string; moduleType: number; version: number; ext: number }
interface SzlComponents {
  plcName?: string; moduleName?: string; plantTag?: string; copyright?: string; serialNumber?: string;
  cpuType?: string; memoryCardSerial?: string; location?: string;
}
export interface SzlResult {
  id: number;
  index: number;
  entryLength?: number;
  count?: number;
  modules?: SzlModule[];
  components?: SzlComponents;
  /** a later fragment of a userdata answer: the list was decoded from the reassembled payload */
  reassembled?: boolean;
  /** more fragments follow: entries are decoded with the last one */
  partial?: boolean;
}

const COMPONENT_FIELDS: Record<number, keyof SzlComponents> = {
  1: 'plcName', 2: 'moduleName', 3: 'plantTag', 4: 'copyright', 5: 'serialNumber', 7: 'cpuType', 8: 'memoryCardSerial', 0x0b: 'location',
};

/** An SZL list answer: header, then module identification (xy11) or component identification (xy1C). */
export function decodeSzlList(d: Reader, szl: SzlResult, partial: boolean): void {
  szl.entryLength = d.u16();
  szl.count = d.u16();
  if (partial) return;
  const low = szl.id & 0xff;
  const n = Math.min(szl.count, 256);
  if (low === 0x11 && szl.entryLength >= 28) {
    const mods: SzlModule[] = [];
    for (let i = 0; i < n && d.left >= szl.entryLength; i++) {
      const e = d.sub(szl.entryLength);
      const index = e.u16();
      const orderNumber = cstr(e.bytes(20));
      mods.push({ index, orderNumber, moduleType: e.u16(), version: e.u16(), ext: e.u16() });
    }
    szl.modules = mods;
  } else if (low === 0x1c && szl.entryLength >= 4) {
    const c: SzlComponents = {};
    for (let i = 0; i < n && d.left >= szl.entryLength; i++) {
      const e = d.sub(szl.entryLength);
      const index = e.u16();
      const field = COMPONENT_FIELDS[index];
      // serial number entries hold 24 characters and 8 reserved bytes
      const text = cstr(e.bytes(index === 5 || index === 8 ? Math.min(24, e.left) : e.left));
      if (field && text) c[field] = text;
    }
    szl.components = c;
  }
}
