// Telnet option negotiation for the conformance suite (RFC 854/855): a flow is recognised by the
// IAC commands a server opens with, so only those are samples; text is tested in telnet.test.ts.
// Hand-built, as BusyBox and Cisco IOS telnetd send them.
export const samples: Array<{ dir: 0 | 1; hex: string; note: string }> = [
  { dir: 1, hex: 'ff fd 18', note: 'hand-built IAC DO TERMINAL-TYPE' },
  { dir: 1, hex: 'ff fb 01', note: 'hand-built IAC WILL ECHO' },
  { dir: 0, hex: 'ff fc 1f', note: 'hand-built IAC WONT NAWS (window size)' },
  { dir: 0, hex: 'ff fa 18 00 58 54 45 52 4d ff f0', note: 'hand-built IAC SB TERMINAL-TYPE IS "XTERM" IAC SE' },
];
