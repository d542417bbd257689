// The plant cell shared by the format/ set and the demo: an HMI, a server, three PLCs and an engineering station.
import type { Endpoint, Host } from '../support/frames.js';

export const HMI: Host = { mac: '00:14:22:3a:5b:10', ip: '10.0.0.10' }; // Dell
export const SRV: Host = { mac: '00:14:22:7e:00:02', ip: '10.0.0.2' }; // Dell: DHCP, DNS, NTP
export const PLC21: Host = { mac: '00:80:f4:0a:21:01', ip: '10.0.0.21' }; // Schneider Electric
export const PLC22: Host = { mac: '00:1b:1b:6c:22:02', ip: '10.0.0.22' }; // Siemens
export const PLC23: Host = { mac: '00:00:bc:5e:23:03', ip: '10.0.0.23' }; // Rockwell Automation
export const ENG: Host = { mac: '3c:d9:2b:50:00:50', ip: '10.0.0.50' }; // Hewlett Packard
export const DOMAIN = 'cell1.plant.internal';

export const at = (host: Host, port: number): Endpoint => ({ ...host, port });
