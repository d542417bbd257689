// GE SRTP code tables. GE has published no SRTP specification; SRTP carries the Series 90 "SNP"
// mailbox messages over TCP, so the names come from the Series 90 PLC SNP Communications User's
// Manual (GFK-0529: service requests, mailbox types, Tables 3-8 PLC status word, 3-12/3-13/3-14
// major and minor error status), as the public SRTP analyses (Denton et al., DFRWS USA 2017,
// Tables 1-4) and open dissectors list them. Where those sources only name a code, so do we.
import type { OpClass } from '../../decode/pdu.js';

/**
 * What a service touches, for the catalog's three "Unauthorized GE SRTP ..." combinations: file
 * services, system memory (the %R/%I/%Q/%M/... reference tables) and every other command.
 */
export type SrtpCategory = 'file' | 'system_memory' | 'command';

export interface SrtpService {
  name: string;
  /** snake_case message name; the PDU kind adds `_request` / `_response` */
  kind: string;
  op: OpClass;
  category: SrtpCategory;
}

const S = (name: string, kind: string, op: OpClass, category: SrtpCategory = 'command'): SrtpService => ({ name, kind, op, category });

/**
 * Service request codes (mailbox byte 42, or 50 with a text buffer), 0x00-0x61. The op classes are
 * ours: reads and status queries read, writes write, logic/configuration/block transfers and the
 * programmer logon are programming, run/stop and privilege changes are control.
 * "Program Store"/"Program Load" keep GE's names without a direction: the DFRWS paper calls store an
 * upload from the PLC, while GFK-0529's minor error codes ("bad OMF record checksum in store",
 * "program block already exists") read as if a store writes into the PLC.
 */
export const SERVICES: ReadonlyMap<number, SrtpService> = new Map<number, SrtpService>([
  [0x00, S('PLC Short Status', 'plc_short_status', 'diagnostic')],
  [0x01, S('PLC Long Status', 'plc_long_status', 'diagnostic')],
  [0x02, S('PLC Memory Usage', 'plc_memory_usage', 'diagnostic')],
  [0x03, S('Return Control Program Names', 'return_control_program_names', 'diagnostic')],
  [0x04, S('Read System Memory', 'read_system_memory', 'read', 'system_memory')],
  [0x05, S('Read Task Memory', 'read_task_memory', 'read')],
  [0x06, S('Read Program Block Memory', 'read_program_block_memory', 'read')],
  [0x07, S('Write System Memory', 'write_system_memory', 'write', 'system_memory')],
  [0x08, S('Write Task Memory', 'write_task_memory', 'write')],
  [0x09, S('Write Program Block Memory', 'write_program_block_memory', 'write')],
  [0x0a, S('Define Symbol', 'define_symbol', 'other')],
  [0x0b, S('Delete Symbol', 'delete_symbol', 'other')],
  [0x0c, S('Read System Memory Symbolic Variable', 'read_system_memory_symbolic', 'read', 'system_memory')],
  [0x0d, S('Read Task Memory Symbolic Variable', 'read_task_memory_symbolic', 'read')],
  [0x0e, S('Read Program Block Memory Symbolic Variable', 'read_program_block_memory_symbolic', 'read')],
  [0x0f, S('Write System Memory Symbolic Variable', 'write_system_memory_symbolic', 'write', 'system_memory')],
  [0x10, S('Write Task Memory Symbolic Variable', 'write_task_memory_symbolic', 'write')],
  [0x11, S('Write Program Block Memory Symbolic Variable', 'write_program_block_memory_symbolic', 'write')],
  [0x12, S('Resolve System Memory Name', 'resolve_system_memory_name', 'read', 'system_memory')],
  [0x13, S('Resolve Task Memory Name', 'resolve_task_memory_name', 'read')],
  [0x14, S('Resolve Program Block Memory Name', 'resolve_program_block_memory_name', 'read')],
  [0x15, S('Establish Datagram', 'establish_datagram', 'other')],
  [0x16, S('Update Datagram', 'update_datagram', 'other')],
  [0x17, S('Cancel Datagram', 'cancel_datagram', 'other')],
  [0x18, S('Format Disk', 'format_disk', 'program', 'file')],
  [0x19, S('Open File', 'open_file', 'other', 'file')],
  [0x1a, S('Close File', 'close_file', 'other', 'file')],
  [0x1b, S('Create File', 'create_file', 'program', 'file')],
  [0x1c, S('Unlink File', 'unlink_file', 'program', 'file')],
  [0x1d, S('Read File', 'read_file', 'read', 'file')],
  [0x1e, S('Write File', 'write_file', 'program', 'file')],
  [0x1f, S('Seek File', 'seek_file', 'other', 'file')],
  [0x20, S('Programmer Logon', 'programmer_logon', 'program')],
  [0x21, S('Change PLC CPU Privilege Level', 'change_privilege_level', 'control')],
  [0x22, S('Set PLC CPU Controller ID', 'set_controller_id', 'write')],
  [0x23, S('Set PLC State', 'set_plc_state', 'control')],
  [0x24, S('Set PLC Time/Date', 'set_plc_time_date', 'diagnostic')],
  [0x25, S('Return PLC Time/Date', 'return_plc_time_date', 'diagnostic')],
  [0x26, S('Return Program Block Sizes', 'return_program_block_sizes', 'read')],
  [0x27, S('Return Program Block List', 'return_program_block_list', 'read')],
  [0x28, S('Store Program Block', 'store_program_block', 'program')],
  [0x29, S('Sequence Control', 'sequence_control', 'other')],
  [0x2a, S('Program Block Program Store', 'program_block_program_store', 'program')],
  [0x2b, S('Program Block Load', 'program_block_load', 'program')],
  [0x2c, S('Program Block Program Load', 'program_block_program_load', 'program')],
  [0x2d, S('Verify Program Block', 'verify_program_block', 'read')],
  [0x2e, S('Delete Program Block', 'delete_program_block', 'program')],
  [0x2f, S('Change Program Block Size', 'change_program_block_size', 'program')],
  [0x30, S('Declare Interrupt', 'declare_interrupt', 'other')],
  [0x31, S('Clear Configuration', 'clear_configuration', 'program')],
  [0x32, S('Autoconfigure I/O', 'autoconfigure_io', 'write')],
  [0x33, S('Replace I/O Module', 'replace_io_module', 'write')],
  [0x34, S('Verify Configuration Block', 'verify_configuration_block', 'read')],
  [0x35, S('Clear All PLC Memory', 'clear_all_plc_memory', 'program')],
  [0x36, S('Clear Reference Memory', 'clear_reference_memory', 'write')],
  [0x37, S('Clear Logic Memory', 'clear_logic_memory', 'program')],
  [0x38, S('Return Fault Table', 'return_fault_table', 'diagnostic')],
  [0x39, S('Clear Fault Table', 'clear_fault_table', 'control')],
  [0x3a, S('Create Configuration Parameter Task', 'create_configuration_parameter_task', 'program')],
  [0x3b, S('Delete Configuration Parameter Task', 'delete_configuration_parameter_task', 'program')],
  [0x3c, S('Return Configuration Sizes', 'return_configuration_sizes', 'read')],
  [0x3d, S('Store Block', 'store_block', 'program')],
  [0x3e, S('Load Block', 'load_block', 'program')],
  [0x3f, S('Program Store', 'program_store', 'program')],
  [0x40, S('Program Load', 'program_load', 'program')],
  [0x41, S('Program Change', 'program_change', 'program')],
  [0x42, S('Verify Program', 'verify_program', 'read')],
  [0x43, S('Return Controller Type and ID', 'return_controller_type_and_id', 'diagnostic')],
  [0x44, S('Toggle Force System Memory', 'toggle_force_system_memory', 'write', 'system_memory')],
  [0x45, S('Access EEPROM', 'access_eeprom', 'program')],
  [0x46, S('Manage Block', 'manage_block', 'program')],
  [0x47, S('Lock/Unlock OEM', 'lock_unlock_oem', 'control')],
  [0x48, S('Write Datagram', 'write_datagram', 'write')],
  [0x49, S('Access FA Card', 'access_fa_card', 'program')],
  [0x4a, S('Read Configuration Parameter', 'read_configuration_parameter', 'read')],
  [0x4b, S('Write Slot Configuration', 'write_slot_configuration', 'program')],
  [0x4c, S('Rename Task', 'rename_task', 'program')],
  [0x4d, S('Return Functions Supported', 'return_functions_supported', 'diagnostic')],
  [0x4e, S('Store Subrequest', 'store_subrequest', 'other')],
  [0x4f, S('Session Control', 'session_control', 'session')],
  [0x50, S('Return Subrequest List', 'return_subrequest_list', 'other')],
  [0x51, S('Extra Piggyback Data', 'extra_piggyback_data', 'diagnostic')],
  // "OS extensions" are code loaded into the CPU's operating system: the closest SRTP comes to firmware
  [0x52, S('Store OS Extension', 'store_os_extension', 'firmware')],
  [0x53, S('Load OS Extension', 'load_os_extension', 'firmware')],
  [0x54, S('Delete OS Extension', 'delete_os_extension', 'firmware')],
  [0x55, S('Delete Subrequest', 'delete_subrequest', 'other')],
  [0x56, S('Share PLC Data', 'share_plc_data', 'other')],
  [0x57, S('Toggle Force Program Block Memory', 'toggle_force_program_block_memory', 'write')],
  [0x58, S('SFC Event Queue Service', 'sfc_event_queue_service', 'other')],
  [0x59, S('Interrogate I/O', 'interrogate_io', 'diagnostic')],
  [0x5a, S('Program Store Extended', 'program_store_extended', 'program')],
  [0x5b, S('Program Load Extended', 'program_load_extended', 'program')],
  [0x5c, S('Program Verify Extended', 'program_verify_extended', 'read')],
  [0x5d, S('Activate Debugger', 'activate_debugger', 'program')],
  [0x5e, S('Configuration Change Control', 'configuration_change_control', 'program')],
  [0x5f, S('Remote Server Register', 'remote_server_register', 'other')],
  [0x60, S('Clear Selected Fault', 'clear_selected_fault', 'control')],
  [0x61, S('Return PLC Features Supported', 'return_plc_features_supported', 'diagnostic')],
]);

/** Services whose request data is a segment selector, a 0-based offset and a length (DFRWS Table 1). */
export const MEMORY_SERVICES: ReadonlySet<number> = new Set([0x04, 0x05, 0x06, 0x07, 0x08, 0x09]);

/**
 * Segment selectors of system memory (DFRWS Table 3): the reference table and the unit in which
 * offset and length count. A selector for task or program block memory is not in this table.
 */
export const SELECTORS: ReadonlyMap<number, readonly [memoryType: string, access: 'bit' | 'byte' | 'word']> = new Map([
  [0x08, ['%R', 'word']], [0x0a, ['%AI', 'word']], [0x0c, ['%AQ', 'word']],
  [0x10, ['%I', 'byte']], [0x12, ['%Q', 'byte']], [0x14, ['%T', 'byte']], [0x16, ['%M', 'byte']],
  [0x18, ['%SA', 'byte']], [0x1a, ['%SB', 'byte']], [0x1c, ['%SC', 'byte']], [0x1e, ['%S', 'byte']], [0x38, ['%G', 'byte']],
  [0x46, ['%I', 'bit']], [0x48, ['%Q', 'bit']], [0x4a, ['%T', 'bit']], [0x4c, ['%M', 'bit']],
  [0x4e, ['%SA', 'bit']], [0x50, ['%SB', 'bit']], [0x52, ['%SC', 'bit']], [0x54, ['%S', 'bit']], [0x56, ['%G', 'bit']],
] as const);

/** Mailbox message types (byte 31; GFK-0529 chapter 3 "Mailbox Message"). */
export const MBOX_INITIAL_REQUEST = 0xc0;
export const MBOX_INITIAL_REQUEST_TEXT = 0x80;
export const MBOX_COMPLETION_ACK = 0xd4;
export const MBOX_COMPLETION_ACK_TEXT = 0x94;
export const MBOX_ERROR_NACK = 0xd1;

export const MAILBOX_NAMES: Readonly<Record<number, string>> = {
  [MBOX_INITIAL_REQUEST]: 'initial_request',
  [MBOX_INITIAL_REQUEST_TEXT]: 'initial_request_with_text',
  [MBOX_COMPLETION_ACK]: 'completion_ack',
  [MBOX_COMPLETION_ACK_TEXT]: 'completion_ack_with_text',
  [MBOX_ERROR_NACK]: 'error_nack',
};

/** PLC state, bits 12-15 of the PLC status word (GFK-0529 Table 3-8). */
export const PLC_STATES: readonly string[] = [
  'Run I/O enabled', 'Run I/O disabled', 'Stop I/O disabled', 'CPU stop faulted', 'CPU halted', 'CPU suspended', 'Stop I/O enabled',
];

/** Major error status of an Error NACK (GFK-0529 Table 3-12). */
export const MAJOR_ERRORS: Readonly<Record<number, string>> = {
  0x01: 'Illegal service request',
  0x02: 'Insufficient privilege',
  0x04: 'Protocol sequence error',
  0x05: 'Service request error',
  0x06: 'Illegal mailbox type',
  0x07: 'Service request queue full',
};

/** Minor error status (GFK-0529 Tables 3-13, 3-14). */
export const MINOR_ERRORS: Readonly<Record<number, string>> = {
  0x50: 'problem sending mail to the slave service request task',
  0x51: 'problem getting mail from the slave service request task',
  0x55: 'slave task timed out', 0x56: 'slave task could not find the requested datagram connection',
  0x57: 'slave task error writing the datagram', 0x58: 'slave task error updating the datagram',
  0xb2: 'program block already exists', 0xb3: 'length limit exceeded',
  0xb4: 'interrupt list altered in the main declaration block during run mode', 0xb5: 'additive checksum comparison in verify failed',
  0xb6: 'CRC checksum comparison in verify failed', 0xb7: 'segment length in verify differs from the block in the PLC',
  0xb8: 'segment selector table size in TYPDEF record not correct', 0xb9: 'executable flag in TYPDEF record not set',
  0xba: 'block set already exists', 0xbb: 'maximum length of a partial store exceeded', 0xbc: 'block type not found',
  0xbd: 'block set not found', 0xbe: 'bad block type in load/store', 0xbf: 'illegal OMF record type or contents',
  0xc0: 'bad OMF record checksum in store', 0xc1: 'invalid block state transition', 0xc2: 'OEM key is null',
  0xc3: 'text length does not match traffic type', 0xc4: 'verify with flash card or EEPROM failed',
  0xc5: 'no task-level rack/slot configuration to read or delete', 0xc6: 'requestor not logged into the main control program',
  0xc7: 'passwords set inactive', 0xc8: 'passwords already enabled', 0xc9: 'login with a non-zero buffer size required for block commands',
  0xca: 'device is write protected', 0xcb: 'communications or write verify error during save or restore',
  0xcc: 'data stored on the device is corrupted', 0xcd: 'no data stored on the device', 0xce: 'device has insufficient memory',
  0xcf: 'device not available', 0xd0: 'configured module has an unsupported revision', 0xd1: 'packet size or program size does not match',
  0xd2: 'invalid write mode parameter', 0xd3: 'user program module read or write exceeded block end',
  0xd4: 'configuration checksum mismatch', 0xd5: 'invalid block name in datagram', 0xd6: 'datagram connection boundary exceeded',
  0xd7: 'invalid datagram type', 0xd8: 'point length not allowed', 0xd9: 'transfer type invalid for this selector',
  0xda: 'null pointer to data in segment selector', 0xdb: 'invalid segment selector in datagram', 0xdc: 'unable to find connection address',
  0xdd: 'unable to locate connection id', 0xde: 'invalid datagram connection size', 0xdf: 'invalid datagram connection address',
  0xe0: 'service in process, cannot log in', 0xe1: 'no I/O configuration to read or delete',
  0xe2: 'I/O configuration could not be deleted or bad type', 0xe3: 'CPU revision number does not match',
  0xe4: 'segment for this selector does not exist', 0xe5: 'DOS file area not formatted', 0xe6: 'CPU model number does not match',
  0xe7: 'configuration is not valid', 0xe8: 'no user memory available', 0xe9: 'segment selector not valid in context',
  0xea: 'not logged in to process service request', 0xeb: 'task could not be deleted', 0xec: 'task could not be created',
  0xed: 'VMEbus error', 0xee: 'could not return block sizes', 0xef: 'programmer is already attached',
  0xf0: 'request only valid in stop mode', 0xf1: 'request only valid from programmer', 0xf2: 'invalid program, cannot log in',
  0xf3: 'I/O configuration mismatch', 0xf4: 'invalid input parameter', 0xf5: 'invalid password', 0xf6: 'invalid sweep state to set',
  0xf7: 'required to log in to a task', 0xf8: 'invalid task name', 0xf9: 'task address out of range',
  0xfa: 'cannot replace I/O module', 0xfb: 'cannot clear I/O configuration', 0xfc: 'I/O configuration is invalid',
  0xfd: 'unable to perform auto configuration', 0xfe: 'no privilege for attempted operation', 0xff: 'service request aborted',
};
