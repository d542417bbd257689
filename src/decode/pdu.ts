// Conventions every application PDU follows, so the inventory, connection and detection analyzers
// (which never see bytes) can work across protocols without knowing each one's wire format.
import type { Pdu } from './types.js';

/** What an operation does, for detection rules and the connection table's commands. */
export type OpClass =
  | 'read'        // read data or status
  | 'write'       // change process data or configuration values
  | 'program'     // upload/download/delete logic, blocks or files
  | 'control'     // run/stop/restart/mode change
  | 'firmware'    // firmware update
  | 'diagnostic'  // identification, diagnostics, time sync, echo
  | 'discovery'   // who-is/identify/list-identity style broadcasts
  | 'session'     // connection setup/teardown, keep-alive
  | 'other';

/** Identity facts a device states about itself (issue 5: evidence for the inventory). */
export interface Identity {
  vendor?: string;
  vendorId?: number;
  productName?: string;
  productCode?: string;
  model?: string;          // e.g. an S7 order number "6ES7 315-2EH14-0AB0"
  serial?: string;
  firmwareVersion?: string;
  hardwareVersion?: string;
  deviceType?: string;
  name?: string;           // station/plant/host name
  rack?: number;
  slot?: number;
  moduleAddress?: string;
  /** the address of the device these facts describe, when it is not the PDU's sender */
  about?: string;
}

/**
 * Fields an application PDU sets where they apply (all optional on top of `proto` and `kind`):
 * - `role`: 'request' | 'response' | 'notify' (unsolicited or broadcast)
 * - `functionCode` (number) and `functionName` (the protocol's human name, e.g. "Read Holding Registers")
 * - `op`: OpClass
 * - `exception`: { code, name } for error responses
 * - `identity`: Identity, when the PDU reveals one
 * - `unit`/`address`: protocol-level addressing (Modbus unit id, DNP3 link address, ...)
 */
export interface AppPdu extends Pdu {
  role?: 'request' | 'response' | 'notify';
  functionCode?: number;
  functionName?: string;
  op?: OpClass;
  exception?: { code: number; name: string };
  identity?: Identity;
}
