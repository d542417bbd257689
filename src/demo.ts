// The bundled demo capture that `otsensor run` replays when given nothing else: a small generated
// plant cell (HMI polling Modbus PLCs, an engineering station, ARP/DHCP/DNS/NTP); see pcaps/README.md.
import { fileURLToPath } from 'node:url';

export const DEMO_CAPTURE = fileURLToPath(new URL('../pcaps/demo/plant-demo.pcapng', import.meta.url));
