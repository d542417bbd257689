// A device's vendor from its MAC address (issue 5): the IEEE Registration Authority's MA-L (24-bit),
// MA-M (28-bit) and MA-S/IAB (36-bit) assignments, shipped as fixtures/oui/oui.tsv (see its README).
//
// The longest assignment wins: the IEEE keeps many MA-L blocks for itself ("IEEE Registration
// Authority") and hands out MA-M and MA-S blocks inside them, so 70:B3:D5:F2:F0:00 belongs to the MA-S
// owner of 70B3D5F2F, not to the IEEE. Names keep the registry's spelling ("Siemens AG,", "Cisco
// Systems, Inc"), which is what a real sensor shows.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** fixtures/ sits at the repo (or installed package) root: three levels up from src/analyzers/inventory/ and dist/analyzers/inventory/. */
const DEFAULT_PATH = new URL('../../../fixtures/oui/oui.tsv', import.meta.url);

// 48-bit MAC text with ':' or '-' between octets (one separator kind throughout), any case.
const MAC_TEXT = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;
const PREFIX = /^[0-9A-F]{6}(?:[0-9A-F]|[0-9A-F]{3})?$/;
const ENTRIES = /\b(\d+) entries\b/;

/** The first 9 hex digits (36 bits, the longest assignment), or null when `mac` is not a MAC's text. */
function hexDigits(mac: string): string | null {
  if (!MAC_TEXT.test(mac)) return null;
  return mac.slice(0, 2) + mac.slice(3, 5) + mac.slice(6, 8) + mac.slice(9, 11) + mac.slice(12, 13);
}

/** The first octet of a MAC's text, or null when it is not one. */
function firstOctet(mac: string): number | null {
  return MAC_TEXT.test(mac) ? parseInt(mac.slice(0, 2), 16) : null;
}

/**
 * The U/L bit (IEEE 802-2014 §8.2, bit 1 of the first octet): set when the address was assigned
 * locally (virtual machines, randomised phone MACs, some protocol stacks), so no OUI names its maker.
 */
export function isLocallyAdministered(mac: string): boolean {
  const o = firstOctet(mac);
  return o !== null && (o & 0x02) !== 0;
}

/** The I/G bit (IEEE 802-2014 §8.2, bit 0 of the first octet): a group address, multicast or broadcast. */
export function isMulticast(mac: string): boolean {
  const o = firstOctet(mac);
  return o !== null && (o & 0x01) !== 0;
}

export class OuiRegistry {
  private constructor(
    private readonly l24: Map<number, string>,
    private readonly m28: Map<number, string>,
    private readonly s36: Map<number, string>,
    /** The file's header comment (source package version, licence note), without the '#'. */
    readonly source: string,
  ) {}

  /** Assignments held: MA-L + MA-M + MA-S/IAB. */
  get size(): number {
    return this.l24.size + this.m28.size + this.s36.size;
  }

  /**
   * Reads a registry file (default: the shipped fixtures/oui/oui.tsv). Any malformed line, a repeated
   * prefix, or an entry count that differs from the header's is an error naming the file and line:
   * the file is ours, and a damaged one must not be half-loaded.
   */
  static load(path?: string): OuiRegistry {
    const file = path ?? DEFAULT_PATH;
    const name = typeof file === 'string' ? file : fileURLToPath(file);
    const text = readFileSync(file, 'utf8');
    const maps = { 6: new Map<number, string>(), 7: new Map<number, string>(), 9: new Map<number, string>() };
    const bad = (line: number, why: string) => new Error(`${name}:${line}: ${why}`);
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop(); // the final newline
    let source = '';
    let expected: number | null = null;
    let count = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('#')) {
        if (!source) source = line.slice(1).trim();
        const m = ENTRIES.exec(line);
        if (m && expected === null) expected = Number(m[1]);
        continue;
      }
      const tab = line.indexOf('\t');
      if (tab < 0) throw bad(i + 1, 'expected "<hex prefix>\\t<organization>", found no tab');
      const prefix = line.slice(0, tab);
      const org = line.slice(tab + 1);
      if (!PREFIX.test(prefix)) throw bad(i + 1, `prefix "${prefix}" is not 6, 7 or 9 upper-case hex digits`);
      if (org === '' || org !== org.trim() || org.includes('\t') || org.includes('\r')) {
        throw bad(i + 1, `organization name ${JSON.stringify(org)} is empty, padded or holds a tab or CR`);
      }
      const map = maps[prefix.length as 6 | 7 | 9];
      const key = parseInt(prefix, 16);
      if (map.has(key)) throw bad(i + 1, `prefix ${prefix} is listed twice`);
      map.set(key, org);
      count++;
    }
    if (expected !== null && count !== expected) {
      throw bad(lines.length, `${count} entries, but the header says ${expected}: the file is truncated or damaged`);
    }
    return new OuiRegistry(maps[6], maps[7], maps[9], source);
  }

  /**
   * The organisation the IEEE assigned this MAC's block to, longest assignment first (36, 28, then
   * 24 bits). Null when no assignment covers it ("Private" ones are left out of the file, so a private
   * MA-S block inside an IEEE-held MA-L shows the IEEE), for group (multicast, broadcast) and locally
   * administered addresses, which carry no maker's OUI, and for text that is not a MAC.
   */
  vendorOf(mac: string): string | null {
    const hex = hexDigits(mac);
    if (hex === null) return null;
    const first = parseInt(hex.slice(0, 2), 16);
    if ((first & 0x03) !== 0) return null;
    const p36 = parseInt(hex, 16);
    return this.s36.get(p36) ?? this.m28.get(Math.floor(p36 / 0x100)) ?? this.l24.get(Math.floor(p36 / 0x1000)) ?? null;
  }
}

let shared: OuiRegistry | undefined;

/** The shipped registry, read once on first use. */
export function defaultRegistry(): OuiRegistry {
  return (shared ??= OuiRegistry.load());
}
