// Opens a live capture by one of two methods (dependencies-measured.md §1.3, §4):
// - cap: libpcap in-process through the optional `cap` addon. No child process and no tcpdump binary
//   needed on the box; but wall-clock timestamps and no drop counters (see live-cap.ts).
// - tcpdump: a `tcpdump -U -w -` pipe. Kernel timestamps and tcpdump's drop counters, lost nothing
//   at ~400k packets/s; needs the tcpdump binary and one extra process.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createLogger, type Logger } from '../log.js';
import { CapSource, capUnavailableReason, loadCap } from './live-cap.js';
import { TcpdumpSource } from './live-tcpdump.js';
import type { PacketSource } from './source.js';

export type LiveMethod = 'auto' | 'cap' | 'tcpdump';
export const LIVE_METHODS: readonly LiveMethod[] = ['auto', 'cap', 'tcpdump'];

/**
 * The method `method` resolves to here; throws when the one asked for cannot run.
 * `auto` prefers the tcpdump pipe when the binary is installed: drops must be counted and reported,
 * and only the pipe can (cap exposes no pcap_stats); it also keeps kernel timestamps, and capture
 * runs outside the JS thread, so a busy event loop does not lose packets (the live test saw cap drop
 * ~6% at 50k packets/s while the rest of the suite loaded the CPU; the pipe dropped none). cap is
 * used where tcpdump is not installed, or when asked for.
 */
export function resolveLiveMethod(method: LiveMethod): 'cap' | 'tcpdump' {
  if (method === 'tcpdump') return 'tcpdump';
  if (method === 'auto' && onPath('tcpdump')) return 'tcpdump';
  if (loadCap()) return 'cap';
  if (method === 'cap') {
    throw new Error(`capture method cap is not available (${capUnavailableReason()}): install libpcap-dev and run npm install, or use --capture-method tcpdump`);
  }
  return 'tcpdump'; // neither: tcpdump's own error will say it is missing
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

let log: Logger | undefined;

export async function openLiveSource(iface: string, bpf: string | null, method: LiveMethod = 'auto'): Promise<PacketSource> {
  const use = resolveLiveMethod(method);
  // One line when packets from now on are captured: operators see which method runs, and tests
  // know when to start sending.
  const onListening = (linkType: string) => {
    log ??= createLogger();
    log.info({ interface: iface, method: use, linkType, bpf }, 'capture listening');
  };
  return use === 'cap' ? new CapSource(iface, bpf, { onListening }) : new TcpdumpSource(iface, bpf, { onListening });
}
