// The IEEE MAC-address vendor registry (fixtures/oui/oui.tsv, from Debian's ieee-data 20220827.1).
// Expected names are copied from the package's CSVs, in the registry's own spelling.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRegistry, isLocallyAdministered, isMulticast, OuiRegistry } from '../src/analyzers/inventory/oui.js';
import { removeTempDirs, ROOT, tempDir } from './support/env.js';
import { HAVE_SHARED, sharedCaptures, SKIP_REASON } from './support/shared.js';

afterAll(removeTempDirs);

const reg = defaultRegistry();

describe('OUI registry: the shipped file', () => {
  it('loads once, with the entry count its header states', () => {
    expect(defaultRegistry()).toBe(reg);
    const header = readFileSync(join(ROOT, 'fixtures/oui/oui.tsv'), 'utf8').split('\n', 1)[0]!;
    expect(header).toMatch(/^# .*ieee-data 20220827\.1.*public domain/);
    expect(reg.size).toBe(Number(/(\d+) entries/.exec(header)![1]));
    expect(reg.size).toBeGreaterThan(40_000);
    expect(reg.source).toContain('ieee-data 20220827.1');
  });

  it('MA-L (24-bit) vendors of OT and IT kit', () => {
    expect(reg.vendorOf('00:1b:1b:02:9a:c3')).toBe('Siemens AG,'); // the registry's trailing comma
    expect(reg.vendorOf('00:0e:8c:ed:0e:54')).toBe('Siemens AG');
    expect(reg.vendorOf('00:00:bc:3e:eb:e4')).toBe('Rockwell Automation');
    expect(reg.vendorOf('00:80:f4:01:02:03')).toBe('TELEMECANIQUE ELECTRIQUE'); // a Schneider brand, as registered
    expect(reg.vendorOf('00:00:54:01:02:03')).toBe('Schneider Electric');
    expect(reg.vendorOf('00:00:0c:07:ac:01')).toBe('Cisco Systems, Inc');
    expect(reg.vendorOf('00:a0:45:6d:d3:43')).toBe('PHOENIX CONTACT Electronics GmbH');
  });

  it('MA-M (28-bit) inside an IEEE-held MA-L: the MA-M owner wins', () => {
    expect(reg.vendorOf('f8:02:78:00:00:01')).toBe('Digatron Power Electronics GmbH'); // F802780
    expect(reg.vendorOf('f8:02:78:10:4a:b6')).toBe('Reason Tecnologia SA'); // F802781, a GE clock in the 61850 capture
    expect(reg.vendorOf('f8:02:78:ee:ee:ee')).toBe('Lit Technologies'); // F80278E
    expect(reg.vendorOf('f8:02:78:ff:ff:ff')).toBe('IEEE Registration Authority'); // F80278F is "Private": left out
  });

  it('MA-S and IAB (36-bit) inside IEEE-held MA-L blocks: the 36-bit owner wins', () => {
    expect(reg.vendorOf('70:b3:d5:f2:f0:01')).toBe('TELEPLATFORMS'); // MA-S 70B3D5F2F
    expect(reg.vendorOf('70:b3:d5:f2:e0:01')).toBe('Shanghai JCY Technology Company'); // MA-S 70B3D5F2E
    expect(reg.vendorOf('00:50:c2:4f:94:64')).toBe('RTDS Technologies Inc.'); // IAB 0050C24F9
    // MA-S 70B3D56F4 is "Private": left out, so the covering MA-L (the IEEE) answers.
    expect(reg.vendorOf('70:b3:d5:6f:40:00')).toBe('IEEE Registration Authority');
  });

  it('an MA-L block registered to several organisations keeps every name', () => {
    expect(reg.vendorOf('08:00:30:12:34:56')).toBe('CERN / NETWORK RESEARCH CORPORATION / ROYAL MELBOURNE INST OF TECH');
  });

  it('an unassigned prefix has no vendor', () => {
    expect(reg.vendorOf('04:10:00:12:34:56')).toBeNull();
  });

  it('any case, ":" or "-" between octets; anything else is not a MAC', () => {
    for (const m of ['00:1B:1B:02:9A:C3', '00:1b:1B:02:9a:C3', '00-1b-1b-02-9a-c3', '00-1B-1B-02-9A-C3']) {
      expect(reg.vendorOf(m), m).toBe('Siemens AG,');
    }
    expect(reg.vendorOf('70-B3-D5-F2-F0-01')).toBe('TELEPLATFORMS');
    for (const m of ['', '001b1b029ac3', '00:1b-1b:02:9a:c3', '00:1b:1b:02:9a', '00:1b:1b:02:9a:c3:00', '0:1b:1b:2:9a:c3', 'zz:1b:1b:02:9a:c3', ' 00:1b:1b:02:9a:c3']) {
      expect(reg.vendorOf(m), JSON.stringify(m)).toBeNull();
      expect(isMulticast(m)).toBe(false);
      expect(isLocallyAdministered(m)).toBe(false);
    }
  });
});

describe('OUI registry: group and locally administered addresses', () => {
  it('the I/G bit marks multicast and broadcast; such addresses name no vendor', () => {
    for (const m of ['01:00:0c:cc:cc:cc', '01:80:c2:00:00:0e', '01:00:5e:00:00:fb', '33:33:00:00:00:16', 'ff:ff:ff:ff:ff:ff', '01:0C:CD:01:00:01']) {
      expect(isMulticast(m), m).toBe(true);
      expect(reg.vendorOf(m), m).toBeNull(); // 01:00:0C would otherwise read as Cisco's 00:00:0C
    }
    expect(isMulticast('00:00:0c:07:ac:01')).toBe(false);
    expect(isMulticast('02:00:4c:4f:4f:50')).toBe(false);
  });

  it('the U/L bit marks locally assigned addresses; they name no vendor even where the registry lists the octets', () => {
    for (const m of ['02:00:4c:4f:4f:50', '0a:bb:fe:10:c9:06', '8a:3c:d6:e1:4d:c4', '06-05-04-03-02-01']) {
      expect(isLocallyAdministered(m), m).toBe(true);
      expect(reg.vendorOf(m), m).toBeNull();
    }
    // 02:07:01 is an early MA-L (RACAL-DATACOM) with the U/L bit set; today that bit means "no OUI".
    expect(isLocallyAdministered('02:07:01:00:00:01')).toBe(true);
    expect(reg.vendorOf('02:07:01:00:00:01')).toBeNull();
    expect(isLocallyAdministered('00:1b:1b:02:9a:c3')).toBe(false);
    expect(isLocallyAdministered('ff:ff:ff:ff:ff:ff')).toBe(true);
  });
});

describe('OUI registry: a damaged file is refused, naming the line', () => {
  const HEADER = '# test registry: 3 entries.';
  const write = (text: string) => {
    const p = join(tempDir('otsensor-oui-'), 'oui.tsv');
    writeFileSync(p, text);
    return p;
  };

  it('a good small file loads, longest prefix first', () => {
    const r = OuiRegistry.load(write(`${HEADER}\nA8BBCC\tBlock Owner\nA8BBCC1\tMedium Owner\nA8BBCC123\tSmall Owner\n`));
    expect(r.size).toBe(3);
    expect(r.source).toBe('test registry: 3 entries.');
    expect(r.vendorOf('a8:bb:cc:12:34:56')).toBe('Small Owner');
    expect(r.vendorOf('a8:bb:cc:1f:ff:ff')).toBe('Medium Owner');
    expect(r.vendorOf('a8:bb:cc:20:00:00')).toBe('Block Owner');
    expect(r.vendorOf('a8:bb:cd:00:00:00')).toBeNull();
    // No header count and no final newline are fine.
    expect(OuiRegistry.load(write('A8BBCC\tBlock Owner')).vendorOf('a8-bb-cc-00-00-01')).toBe('Block Owner');
  });

  const cases: Array<[string, string, RegExp]> = [
    ['no tab', `${HEADER}\nA8BBCC\tOne\nA8BBCD Two\nA8BBCE\tThree\n`, /:3: .*no tab/],
    ['lower-case prefix', `${HEADER}\nA8BBCC\tOne\na8bbcd\tTwo\nA8BBCE\tThree\n`, /:3: prefix "a8bbcd"/],
    ['8-digit prefix', `${HEADER}\nA8BBCC\tOne\nA8BBCC12\tTwo\nA8BBCE\tThree\n`, /:3: prefix "A8BBCC12"/],
    ['empty name', `${HEADER}\nA8BBCC\tOne\nA8BBCE\t\nA8BBCF\tThree\n`, /:3: organization name "" /],
    ['second tab', `${HEADER}\nA8BBCC\tOne\nA8BBCE\tTwo\tx\nA8BBCF\tThree\n`, /:3: organization name/],
    ['CRLF line ends', `${HEADER}\r\nA8BBCC\tOne\r\nA8BBCE\tTwo\r\n`, /:2: organization name "One\\r"/],
    ['repeated prefix', `${HEADER}\nA8BBCC\tOne\nA8BBCE\tTwo\nA8BBCC\tThree\n`, /:4: prefix A8BBCC is listed twice/],
    ['blank line', `${HEADER}\nA8BBCC\tOne\n\nA8BBCE\tTwo\n`, /:3: .*no tab/],
    ['cut short at a line end', `${HEADER}\nA8BBCC\tOne\nA8BBCE\tTwo\n`, /:3: 2 entries, but the header says 3/],
  ];
  for (const [what, text, error] of cases) {
    it(what, () => {
      const p = write(text);
      expect(() => OuiRegistry.load(p)).toThrow(error);
      expect(() => OuiRegistry.load(p)).toThrow(p);
    });
  }

  it('a missing file is an error, not an empty registry', () => {
    expect(() => OuiRegistry.load(join(tempDir('otsensor-oui-'), 'absent.tsv'))).toThrow(/ENOENT/);
  });
});

// tshark's truth names a vendor for an endpoint's MAC from Wireshark's manuf file, by the first three
// octets only. Where it resolved one, ours must agree on the first word, except for these, each checked:
const DIVERGES: Record<string, string> = {
  '000000': 'Wireshark\'s manuf replaces the registry\'s "XEROX CORPORATION" with a note of its own',
  '000417': 'Wireshark 4.0\'s newer registry says "Schneider Electric"; ieee-data 20220827.1 still lists ELAU AG',
  '00B0D0': 'Wireshark\'s manuf keeps "Computer Products International"; the registry lists Dell Inc.',
  '109819': 'assigned (to Dell Inc.) after ieee-data 20220827.1: ours is null',
};
const firstWord = (s: string) => s.split(/[\s,]+/, 1)[0]!.toLowerCase();

describe.skipIf(!HAVE_SHARED)('OUI registry against the tshark truth of the public captures', () => {
  it('every resolved endpoint vendor agrees on its first word; no lookup throws', () => {
    const endpoints = new Map<string, string | null>();
    for (const c of sharedCaptures()) {
      const list = (c.truth.ethernet_endpoints ?? []) as Array<{ mac: string; oui_vendor: string | null }>;
      for (const e of list) endpoints.set(e.mac, e.oui_vendor);
    }
    expect(endpoints.size).toBeGreaterThan(0);
    let same = 0, longer = 0, known = 0;
    const wrong: string[] = [];
    for (const [mac, theirs] of endpoints) {
      const ours = reg.vendorOf(mac); // must not throw, resolved or not
      isMulticast(mac);
      isLocallyAdministered(mac);
      if (theirs === null) continue; // tshark left it unresolved (not always for want of an entry)
      const block = mac.replace(/[:-]/g, '').slice(0, 6).toUpperCase();
      if (theirs === 'IEEE Registration Authority' && ours !== null && ours !== theirs) longer++; // its 24-bit lookup; ours found the MA-M/MA-S owner
      else if (ours !== null && firstWord(ours) === firstWord(theirs)) same++;
      else if (block in DIVERGES) known++;
      else wrong.push(`${mac}: tshark ${JSON.stringify(theirs)}, ours ${JSON.stringify(ours)}`);
    }
    expect(wrong).toEqual([]);
    expect(same).toBeGreaterThan(9 * (longer + known));
  });
});

if (!HAVE_SHARED) {
  describe('OUI registry against public captures', () => {
    it.skip(SKIP_REASON, () => {});
  });
}
