// mDNS truth: query names and A records, checked as for DNS over the mdns dissector's PDUs.
import { dnsFamily } from './dns.js';

export const matcher = dnsFamily('mdns');
