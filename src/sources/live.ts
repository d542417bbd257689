// Opens a live capture: the tcpdump pipe (kernel timestamps, drop counters). The `cap` binding is
// added as a second method where it is installed.
import type { PacketSource } from './source.js';
import { TcpdumpSource } from './live-tcpdump.js';

export type LiveMethod = 'auto' | 'tcpdump';

export async function openLiveSource(iface: string, bpf: string | null, _method: LiveMethod = 'auto'): Promise<PacketSource> {
  return new TcpdumpSource(iface, bpf);
}
