// Opens a live capture by one of two methods (dependencies-measured.md §1.3, §4):
// - cap: libpcap in-process through the optional `cap` addon. No child process and no tcpdump binary
//   needed on the box; but wall-clock timestamps and no drop counters (see live-cap.ts).
// - tcpdump: a `tcpdump -U -w -` pipe. Kernel timestamps and tcpdump's drop counters, lost nothing
//   at ~400k packets/s; needs the tcpdump binary and one extra process.
import { createLogger, type Logger } from '../log.js';
import { CapSource, capUnavailableReason, loadCap } from './live-cap.js';
import { TcpdumpSource } from './live-tcpdump.js';
import type { PacketSource } from './source.js';

export type LiveMethod = 'auto' | 'cap' | 'tcpdump';
export const LIVE_METHODS: readonly LiveMethod[] = ['auto', 'cap', 'tcpdump'];

/** The method `method` resolves to here; throws when cap is asked for by name but cannot load. */
export function resolveLiveMethod(method: LiveMethod): 'cap' | 'tcpdump' {
  if (method === 'tcpdump') return 'tcpdump';
  // auto prefers cap when it loads (it is only installed where libpcap-dev was present at build
  // time); otherwise tcpdump, which needs nothing native in node_modules.
  if (loadCap()) return 'cap';
  if (method === 'cap') {
    throw new Error(`capture method cap is not available (${capUnavailableReason()}): install libpcap-dev and run npm install, or use --capture-method tcpdump`);
  }
  return 'tcpdump';
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
