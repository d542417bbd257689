// Telnet (RFC 854, option negotiation RFC 855) over TCP 23, and on other ports by probe. The stream is
// text interleaved with IAC (0xff) commands: IAC WILL/WONT/DO/DONT option (3 bytes), IAC SB ... IAC SE
// subnegotiation, other two-byte commands, and IAC IAC for a data byte 0xff. Telnet has no message
// boundaries, so a PDU is either one IAC command or a run of text up to the next IAC (or to what has
// arrived): option negotiation is stripped from the text and recorded by name.
//
// Kept: the first text the server sends (its banner: often the device or OS name) and the user name
// typed after a "login:"/"Username:" prompt (client keystrokes are collected until CR or LF, since
// clients send a character per segment). Nothing the client types is otherwise kept, and never while
// a "Password:" prompt is open: the password is not stored, not even its length. Server text that
// refuses a sign-in ("Login incorrect" from login(1), Cisco IOS's "% Login invalid" and
// "% Authentication failed", ...) marks its PDU `loginFailed`, for the failed-login counts.
import type { AnomalyId } from '../decode/anomalies.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../decode/types.js';

const IAC = 0xff, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254;
/** A text run or subnegotiation longer than this is cut (text) or not Telnet (subnegotiation). */
const MAX_CHUNK = 16 * 1024;
const MAX_SB = 1024;
/** Longest banner and user name kept. */
const MAX_TEXT = 256;
const MAX_USER = 64;
/** What servers answer a refused sign-in with (login(1), busybox, Cisco IOS, embedded devices). */
const LOGIN_FAILED = /\b(login incorrect|login failed|login invalid|authentication failed|access denied|invalid password|bad password)\b/i;

export const TELNET_ANOMALIES = [
  'telnet.truncated',
  'telnet.bad_command',
] as const satisfies readonly AnomalyId[];

const VERBS: Record<number, string> = { [WILL]: 'WILL', [WONT]: 'WONT', [DO]: 'DO', [DONT]: 'DONT' };
/** RFC 855 and the options registry: the ones seen in practice. */
const OPTIONS: Record<number, string> = {
  0: 'binary', 1: 'echo', 3: 'suppress-go-ahead', 5: 'status', 6: 'timing-mark', 24: 'terminal-type', 31: 'window-size',
  32: 'terminal-speed', 33: 'remote-flow-control', 34: 'linemode', 35: 'x-display-location', 36: 'environ', 39: 'new-environ',
};
const COMMANDS: Record<number, string> = { 241: 'NOP', 242: 'DM', 243: 'BRK', 244: 'IP', 245: 'AO', 246: 'AYT', 247: 'EC', 248: 'EL', 249: 'GA' };

export interface TelnetState {
  banner: boolean;
  /** a login prompt was seen: the client's next line is the user name */
  awaitingUser: boolean;
  /** a password prompt is open: client input is ignored entirely */
  awaitingPassword: boolean;
  /** user name keystrokes collected so far (bounded) */
  typed: string;
}

/** Length of the IAC command at data[0]; 0 when more bytes are needed; -1 when malformed. */
function iacLength(data: Buffer): number {
  if (data.length < 2) return 0;
  const cmd = data[1]!;
  if (cmd >= WILL) return data.length < 3 ? 0 : 3;
  if (cmd === SB) {
    for (let i = 2; i + 1 < Math.min(data.length, MAX_SB); i++) if (data[i] === IAC && data[i + 1] === SE) return i + 2;
    return data.length >= MAX_SB ? -1 : 0;
  }
  return 2;
}

function frame(data: Buffer, _dir: Direction): number {
  if (data.length === 0) return 0;
  if (data[0] === IAC) return data.length >= 2 && data[1] === IAC ? 2 : iacLength(data);
  const next = data.indexOf(IAC);
  return Math.min(next < 0 ? data.length : next, MAX_CHUNK);
}

function probe(data: Buffer, _dir: Direction): ProbeResult {
  // Telnet servers open with option negotiation: IAC WILL/WONT/DO/DONT or IAC SB.
  if (data.length === 0) return 'need-more';
  if (data[0] !== IAC) return 'no';
  if (data.length < 3) return data.length < 2 || data[1]! >= SB ? 'need-more' : 'no';
  return data[1]! >= SB ? 'yes' : 'no';
}

function decode(pdu: Buffer, dir: Direction, state: TelnetState, out: PduSink): void {
  const p: Record<string, unknown> & { proto: string; kind: string } = { proto: 'telnet', kind: 'data', op: 'session', role: dir === 0 ? 'request' : 'response' };
  if (pdu.length === 0) return;
  if (pdu[0] === IAC && !(pdu.length === 2 && pdu[1] === IAC)) {
    if (pdu.length < 2) { out.anomaly('telnet.truncated'); return; }
    const cmd = pdu[1]!;
    if (cmd >= WILL) {
      if (pdu.length < 3) { out.anomaly('telnet.truncated'); return; }
      p.kind = 'negotiation';
      p.command = VERBS[cmd];
      p.functionName = VERBS[cmd];
      p.option = pdu[2];
      p.optionName = OPTIONS[pdu[2]!] ?? `option-${pdu[2]}`;
    } else if (cmd === SB) {
      if (pdu.length < 5 || pdu[pdu.length - 2] !== IAC || pdu[pdu.length - 1] !== SE) { out.anomaly('telnet.truncated'); return; }
      p.kind = 'subnegotiation';
      p.functionName = 'SB';
      p.option = pdu[2];
      p.optionName = OPTIONS[pdu[2]!] ?? `option-${pdu[2]}`;
    } else if (COMMANDS[cmd] !== undefined) {
      p.kind = 'command';
      p.functionName = COMMANDS[cmd];
    } else {
      out.anomaly('telnet.bad_command'); // SE outside SB, or a byte below 240 after IAC
      return;
    }
    out.pdu(p);
    return;
  }
  p.length = pdu.length;
  if (dir === 1) {
    const text = pdu.toString('latin1');
    const printable = text.replace(/[^\x20-\x7e\r\n\t]/g, '');
    if (!state.banner && printable.trim() !== '') {
      state.banner = true;
      p.kind = 'banner';
      p.banner = printable.trim().slice(0, MAX_TEXT);
    }
    if (LOGIN_FAILED.test(printable)) p.loginFailed = true;
    if (/pass(word|code)?\s*:\s*$/i.test(printable)) { state.awaitingPassword = true; state.awaitingUser = false; }
    else if (/(login|user ?name|user)\s*:\s*$/i.test(printable)) { state.awaitingUser = true; state.awaitingPassword = false; state.typed = ''; }
    out.pdu(p);
    return;
  }
  // client keystrokes: only a user name after a login prompt is collected
  if (state.awaitingPassword) {
    if (pdu.includes(0x0d) || pdu.includes(0x0a)) state.awaitingPassword = false;
    out.pdu(p);
    return;
  }
  if (state.awaitingUser) {
    for (const ch of pdu.toString('latin1')) {
      if (ch === '\r' || ch === '\n') {
        if (state.typed !== '') p.credentials = { protocol: 'TELNET', user: state.typed };
        state.awaitingUser = false;
        state.typed = '';
        break;
      }
      if (ch === '\b' || ch === '\x7f') state.typed = state.typed.slice(0, -1);
      else if (ch >= ' ' && ch <= '~' && state.typed.length < MAX_USER) state.typed += ch;
    }
  }
  out.pdu(p);
}

export const telnet: StreamDissector<TelnetState> = {
  id: 'telnet',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 23 }],
  anomalies: TELNET_ANOMALIES,
  maxPdu: MAX_CHUNK,
  probe,
  frame,
  decode,
  newState: () => ({ banner: false, awaitingUser: false, awaitingPassword: false, typed: '' }),
};
