// Done-means for issue 6 on the public captures (../shared/pcaps): where a capture's README row names
// a notable event, the expected alert appears with the right engine, and its PCAP opens in tshark and
// holds the triggering frame (a frame at the alert's detection time). Prints the expected-vs-found
// table and, for every capture, how many alerts it raised (benign captures must not drown in them).
// Learning is off: every capture is replayed as the attack against an empty baseline.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayInto } from './support/detection.js';
import { removeTempDirs, tempDir } from './support/env.js';
import { HAVE_SHARED, SHARED_PCAPS, SKIP_REASON, sharedCaptures } from './support/shared.js';

const EXPECTED: Array<[capture: string, title: string, engine: string, event: string]> = [
  ['s7comm/step7-s300-plc-stop.pcap', 'An S7 Stop PLC Command was Sent', 'Operational', 'PLC stop'],
  ['iec61850/mms-stop-request.pcap', 'Controller Stop', 'Operational', 'IED/PLC stop (MMS)'],
  ['s7comm/s7comm-downloading-block-db1.pcap', 'Unauthorized PLC Programming', 'Policy Violation', 'program download (S7)'],
  ['enip/openics-eip-software-download.pcap', 'Unauthorized PLC Programming', 'Policy Violation', 'program download (CIP)'],
  ['enip/openics-eip-software-download.pcap', 'Controller Stop', 'Operational', 'controller mode change (CIP)'],
  ['enip/openics-eip-firmware-change.pcap', 'Firmware Update', 'Protocol Violation', 'firmware change'],
  ['dnp3/dnp3-cold-restart.pcap', 'Outstation Restarted', 'Operational', 'cold restart'],
  ['dnp3/openics-dnp3-malformed.pcap', 'Illegal DNP3 Operation', 'Protocol Violation', 'malformed DNP3'],
  ['modbus/digitalbond-modbus-fc-scan.pcap', 'PLC Scan Detected', 'Anomaly', 'function-code sweep'],
  ['modbus/digitalbond-modbus-fc-scan.pcap', 'Slave Device Received Illegal Function Code', 'Protocol Violation', 'illegal function codes'],
  ['modbus/zeek-modbus-and-non-modbus-p502.pcap', 'Internet Access Detected', 'Policy Violation', 'Internet scanners on 502'],
  ['modbus/zeek-modbus-and-non-modbus-p502.pcap', 'Unexpected Traffic for Standard Port', 'Anomaly', 'non-Modbus on 502'],
  ['modbus/icsnpp-modbus-example.pcap', 'Internet Access Detected', 'Policy Violation', 'OT traffic to the Internet'],
  ['it/zeek-nmap-arp-scan.pcap', 'ARP Address Scan Detected', 'Anomaly', 'ARP sweep'],
  ['profinet/pn-dcp-set-ip.pcap', 'Change of Device Configuration', 'Operational', 'DCP IP change'],
  ['bacnet/icsnpp-bacnet-example.pcap', 'Controller Reset', 'Operational', 'BACnet reinitialize'],
  ['it/zeek-snmpwalk.pcap', 'Unauthorized SNMP Operation', 'Policy Violation', 'default SNMP community'],
  ['mixed/c37118-pmu-with-lan-noise.pcap', 'ARP Spoofing', 'Anomaly', 'ARP spoofing / IP conflict'],
];

const tshark = ['/usr/bin/tshark', '/usr/local/bin/tshark'].find((p) => existsSync(p)) ?? null;

afterAll(() => removeTempDirs());

describe.skipIf(!HAVE_SHARED)(`alerts on the public captures${HAVE_SHARED ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  it('raises the expected alert for every notable event, with a PCAP holding its triggering frame', async () => {
    const rows: string[] = [];
    const missing: string[] = [];
    const results = new Map<string, Awaited<ReturnType<typeof replayInto>>>();
    for (const [capture, title, engine, event] of EXPECTED) {
      let r = results.get(capture);
      if (!r) results.set(capture, (r = await replayInto(tempDir(), [join(SHARED_PCAPS, capture)], { learning: { on: false, until: null } })));
      const found = r.alerts.find((a) => a.title === title && a.engine === engine);
      let pcap = 'no alert';
      if (found) {
        const file = r.pcapPath(found.id);
        if (!file) pcap = 'no pcap';
        else if (!tshark) pcap = 'tshark absent';
        else {
          const times = execFileSync(tshark, ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8' }).trim().split('\n').map(Number);
          pcap = times.some((t) => Math.floor(Math.round(t * 1e6) / 1000) === found.time) ? `ok (${times.length} frames)` : 'trigger frame missing';
        }
      }
      rows.push(`${event.padEnd(30)} ${capture.padEnd(46)} ${`${engine}: ${title}`.padEnd(80)} ${found ? `found #${found.id} x${found.count}` : 'MISSING'.padEnd(10)} pcap ${pcap}`);
      if (!found || !(pcap.startsWith('ok') || pcap === 'tshark absent')) missing.push(`${capture}: ${title} (${pcap})`);
    }
    console.log(`expected vs found (learning off):\n${rows.join('\n')}`);
    expect(missing).toEqual([]);
  }, 180_000);

  it('reports the alert count of every capture; no capture drowns in alerts', async () => {
    const counts: string[] = [];
    for (const c of sharedCaptures()) {
      const r = await replayInto(tempDir(), [c.path], { learning: { on: false, until: null } });
      const learned = await replayInto(tempDir(), [c.path], { learning: { on: true, until: null } });
      counts.push(`${c.name.padEnd(56)} ${String(r.alerts.length).padStart(4)} alerts (learning off), ${String(learned.alerts.length).padStart(3)} while learning, ${r.report.totals.packets} packets`);
      // a condition repeated is one alert with a count: never more alerts than a tenth of the packets, plus a floor
      expect(r.alerts.length).toBeLessThanOrEqual(Math.max(30, r.report.totals.packets / 10));
    }
    console.log(`alerts per capture:\n${counts.join('\n')}`);
  }, 300_000);
});
