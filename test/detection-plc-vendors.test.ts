// Omron FINS and GE SRTP through the whole sensor (issue 4's optional protocols, issue 6's catalog rows
// for them): the project's own captures (pcaps/fins, pcaps/srtp) replayed with learning off into a
// real data dir, and the alerts, events and devices a user would see.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayInto } from './support/detection.js';

const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
const fresh = () => { const d = mkdtempSync(join(tmpdir(), 'otsensor-vendors-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const detect = (file: string) => replayInto(fresh(), [join(ROOT, file)], { learning: { on: false, until: null } });
const titles = (alerts: Array<{ title: string; engine: string }>) => alerts.map((a) => `${a.title} (${a.engine})`);

describe('Omron FINS', () => {
  it('FINS/TCP: RUN, STOP, a program upload and a program clear raise their alerts; node address set-up is no command', async () => {
    const r = await detect('pcaps/fins/tcp-session.pcap');
    const t = titles(r.alerts);
    expect(t).toContain('Controller Stop (Operational)');
    expect(t).toContain('PLC Operating Mode Changed (Operational)');
    expect(t).toContain('Unauthorized PLC Program Upload (Policy Violation)');
    expect(t).toContain('Unauthorized PLC Programming (Policy Violation)');
    expect(t).toContain('Omron FINS Unauthorized Command (Policy Violation)');
    const combos = r.alerts.filter((a) => a.title === 'Omron FINS Unauthorized Command').map((a) => a.message);
    expect(combos.some((m) => /Node Address/.test(m))).toBe(false);
    const types = r.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['PLC_START', 'S7_PLC_MODE_CHANGE', 'PROGRAM_UPLOAD_DEVICE', 'PROGRAM_DEVICE']));
    for (const a of r.alerts) expect(r.pcapPath(a.id), `${a.title} has a PCAP`).not.toBeNull();
  });

  it('the PLC that answers Controller Data Read is an Omron PLC speaking "Omron FINS"', async () => {
    const r = await detect('pcaps/fins/udp-session.pcap');
    const plc = r.devices.find((d) => d.ipAddresses?.includes('10.96.0.20')) as unknown as { type: string; vendor: string; protocols: Array<{ name: string }> };
    expect(plc.type).toBe('PLC');
    expect(plc.vendor).toBe('Omron');
    expect(plc.protocols.map((p) => p.name)).toContain('Omron FINS');
  });
});

describe('GE SRTP', () => {
  it('logon, privilege change refused, a stop and a start by Set PLC State, memory reads and a program store', async () => {
    const r = await detect('pcaps/srtp/session.pcap');
    const t = titles(r.alerts);
    expect(t).toEqual(expect.arrayContaining([
      'GE SRTP Stop PLC Command was Sent (Operational)',
      'PLC Operating Mode Changed (Operational)',
      'GE SRTP Command Failure (Operational)',
      'Unauthorized GE SRTP System Memory Operation (Policy Violation)',
      'Unauthorized GE SRTP Protocol Command (Policy Violation)',
      'Unauthorized PLC Programming (Policy Violation)',
    ]));
    const stop = r.alerts.find((a) => a.title === 'GE SRTP Stop PLC Command was Sent')!;
    // the command goes from the programming station to the PLC, though it is seen on the PLC's answer
    expect([stop.srcAddr, stop.dstAddr]).toEqual(['10.245.0.10', '10.245.0.20']);
    const types = r.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['SRTP_LOGIN_PROGRAMMING', 'SRTP_CHANGE_PRIVILEGE', 'SRTP_CHANGE_LEVEL_FAILED', 'S7_PLC_MODE_CHANGE', 'PLC_START']));
    const plc = r.devices.find((d) => d.ipAddresses?.includes('10.245.0.20')) as unknown as { type: string; protocols: Array<{ name: string }> };
    expect(plc.type).toBe('PLC');
    expect(plc.protocols.map((p) => p.name)).toContain('SRTP');
  });

  it('learned, the same traffic raises no Policy alert; the operational ones stay', async () => {
    const dir = fresh();
    for (const f of ['pcaps/srtp/session.pcap', 'pcaps/fins/tcp-session.pcap']) {
      const learned = await replayInto(dir, [join(ROOT, f)], { learning: { on: true, until: null } });
      expect(learned.alerts.filter((a) => a.engine === 'Policy Violation').map((a) => a.title)).toEqual([]);
    }
    const again = await replayInto(dir, [join(ROOT, 'pcaps/srtp/session.pcap'), join(ROOT, 'pcaps/fins/tcp-session.pcap')], { learning: { on: false, until: null } });
    expect(again.alerts.filter((a) => a.engine === 'Policy Violation').map((a) => a.title)).toEqual([]);
    expect(titles(again.alerts)).toEqual(expect.arrayContaining(['GE SRTP Stop PLC Command was Sent (Operational)', 'Controller Stop (Operational)']));
  });
});
