// BACnet code tables (ASHRAE 135): BVLC functions (Annex J.2), network-layer message types (6.2.4),
// service choices (21, BACnetConfirmedServiceChoice / BACnetUnconfirmedServiceChoice), object types,
// property identifiers, error classes/codes, reject and abort reasons (21, 18.8-18.9), and a small
// table of vendor identifiers. Arrays indexed by the wire value: a lookup is one bounds check.
import type { OpClass } from '../../decode/pdu.js';

/** Annex J.2: BVLC function codes for BACnet/IP. */
export const BVLC_FUNCTIONS: readonly string[] = [
  'BVLC-Result', 'Write-Broadcast-Distribution-Table', 'Read-Broadcast-Distribution-Table',
  'Read-Broadcast-Distribution-Table-Ack', 'Forwarded-NPDU', 'Register-Foreign-Device',
  'Read-Foreign-Device-Table', 'Read-Foreign-Device-Table-Ack', 'Delete-Foreign-Device-Table-Entry',
  'Distribute-Broadcast-To-Network', 'Original-Unicast-NPDU', 'Original-Broadcast-NPDU', 'Secure-BVLL',
];

/** PDU kinds of the BVLL-only functions (the NPDU-carrying ones report the APDU's kind). */
export const BVLC_KINDS: readonly string[] = [
  'bvlc_result', 'write_bdt', 'read_bdt', 'read_bdt_ack', 'forwarded_npdu', 'register_foreign_device',
  'read_fdt', 'read_fdt_ack', 'delete_fdt_entry', 'distribute_broadcast_to_network', 'original_unicast_npdu',
  'original_broadcast_npdu', 'secure_bvll',
];

/** What each BVLC function does to the B/IP fabric: BDT/FDT writes change who receives broadcasts. */
export const BVLC_OPS: readonly OpClass[] = [
  'other', 'write', 'read', 'read', 'other', 'session', 'read', 'read', 'write', 'other', 'other', 'other', 'session',
];

/** 6.2.4: network-layer message types (0x80-0xff are vendor proprietary). */
export const NETWORK_MESSAGES: readonly string[] = [
  'Who-Is-Router-To-Network', 'I-Am-Router-To-Network', 'I-Could-Be-Router-To-Network', 'Reject-Message-To-Network',
  'Router-Busy-To-Network', 'Router-Available-To-Network', 'Initialize-Routing-Table', 'Initialize-Routing-Table-Ack',
  'Establish-Connection-To-Network', 'Disconnect-Connection-To-Network', 'Challenge-Request', 'Security-Payload',
  'Security-Response', 'Request-Key-Update', 'Update-Key-Set', 'Update-Distribution-Key', 'Request-Master-Key',
  'Set-Master-Key', 'What-Is-Network-Number', 'Network-Number-Is',
];

/** 21: BACnetConfirmedServiceChoice, with the snake_case kind prefix and operation class. */
export const CONFIRMED: ReadonlyArray<readonly [name: string, kind: string, op: OpClass]> = [
  ['AcknowledgeAlarm', 'acknowledge_alarm', 'write'],
  ['ConfirmedCOVNotification', 'confirmed_cov_notification', 'other'],
  ['ConfirmedEventNotification', 'confirmed_event_notification', 'other'],
  ['GetAlarmSummary', 'get_alarm_summary', 'read'],
  ['GetEnrollmentSummary', 'get_enrollment_summary', 'read'],
  ['SubscribeCOV', 'subscribe_cov', 'read'],
  ['AtomicReadFile', 'atomic_read_file', 'read'],
  // writing a file object is how controller programs and configurations are downloaded
  ['AtomicWriteFile', 'atomic_write_file', 'program'],
  ['AddListElement', 'add_list_element', 'write'],
  ['RemoveListElement', 'remove_list_element', 'write'],
  ['CreateObject', 'create_object', 'write'],
  ['DeleteObject', 'delete_object', 'write'],
  ['ReadProperty', 'read_property', 'read'],
  ['ReadPropertyConditional', 'read_property_conditional', 'read'],
  ['ReadPropertyMultiple', 'read_property_multiple', 'read'],
  ['WriteProperty', 'write_property', 'write'],
  ['WritePropertyMultiple', 'write_property_multiple', 'write'],
  ['DeviceCommunicationControl', 'device_communication_control', 'control'],
  ['ConfirmedPrivateTransfer', 'confirmed_private_transfer', 'other'],
  ['ConfirmedTextMessage', 'confirmed_text_message', 'other'],
  ['ReinitializeDevice', 'reinitialize_device', 'control'],
  ['VT-Open', 'vt_open', 'session'],
  ['VT-Close', 'vt_close', 'session'],
  ['VT-Data', 'vt_data', 'session'],
  ['Authenticate', 'authenticate', 'session'],
  ['RequestKey', 'request_key', 'session'],
  ['ReadRange', 'read_range', 'read'],
  ['LifeSafetyOperation', 'life_safety_operation', 'control'],
  ['SubscribeCOVProperty', 'subscribe_cov_property', 'read'],
  ['GetEventInformation', 'get_event_information', 'read'],
  ['SubscribeCOVPropertyMultiple', 'subscribe_cov_property_multiple', 'read'],
  ['ConfirmedCOVNotificationMultiple', 'confirmed_cov_notification_multiple', 'other'],
  ['ConfirmedAuditNotification', 'confirmed_audit_notification', 'other'],
  ['AuditLogQuery', 'audit_log_query', 'read'],
];

/** 21: BACnetUnconfirmedServiceChoice. */
export const UNCONFIRMED: ReadonlyArray<readonly [name: string, kind: string, op: OpClass]> = [
  ['I-Am', 'i_am', 'discovery'],
  ['I-Have', 'i_have', 'discovery'],
  ['UnconfirmedCOVNotification', 'unconfirmed_cov_notification', 'other'],
  ['UnconfirmedEventNotification', 'unconfirmed_event_notification', 'other'],
  ['UnconfirmedPrivateTransfer', 'unconfirmed_private_transfer', 'other'],
  ['UnconfirmedTextMessage', 'unconfirmed_text_message', 'other'],
  ['TimeSynchronization', 'time_synchronization', 'diagnostic'],
  ['Who-Has', 'who_has', 'discovery'],
  ['Who-Is', 'who_is', 'discovery'],
  ['UTCTimeSynchronization', 'utc_time_synchronization', 'diagnostic'],
  ['WriteGroup', 'write_group', 'write'],
  ['UnconfirmedCOVNotificationMultiple', 'unconfirmed_cov_notification_multiple', 'other'],
  ['UnconfirmedAuditNotification', 'unconfirmed_audit_notification', 'other'],
  ['Who-Am-I', 'who_am_i', 'discovery'],
  // You-Are assigns a device instance and network address: a configuration change
  ['You-Are', 'you_are', 'write'],
];

/** 21: BACnetObjectType (0-30; 128-1023 are vendor proprietary). */
export const OBJECT_TYPES: readonly string[] = [
  'analog-input', 'analog-output', 'analog-value', 'binary-input', 'binary-output', 'binary-value', 'calendar',
  'command', 'device', 'event-enrollment', 'file', 'group', 'loop', 'multi-state-input', 'multi-state-output',
  'notification-class', 'program', 'schedule', 'averaging', 'multi-state-value', 'trend-log', 'life-safety-point',
  'life-safety-zone', 'accumulator', 'pulse-converter', 'event-log', 'global-group', 'trend-log-multiple',
  'load-control', 'structured-view', 'access-door',
];
export const OBJECT_DEVICE = 8;

/** 21: BACnetPropertyIdentifier, the ones worth naming in events. */
export const PROP = {
  ALL: 8, APPLICATION_SOFTWARE_VERSION: 12, DESCRIPTION: 28, FIRMWARE_REVISION: 44, LOCATION: 58,
  MODEL_NAME: 70, OBJECT_IDENTIFIER: 75, OBJECT_LIST: 76, OBJECT_NAME: 77, OBJECT_TYPE: 79,
  PRESENT_VALUE: 85, VENDOR_IDENTIFIER: 120, VENDOR_NAME: 121,
} as const;

export const PROPERTY_NAMES: ReadonlyMap<number, string> = new Map([
  [8, 'all'], [11, 'apdu-timeout'], [12, 'application-software-version'], [28, 'description'],
  [30, 'device-address-binding'], [36, 'event-state'], [44, 'firmware-revision'], [56, 'local-date'],
  [57, 'local-time'], [58, 'location'], [62, 'max-apdu-length-accepted'], [70, 'model-name'],
  [73, 'number-of-apdu-retries'], [75, 'object-identifier'], [76, 'object-list'], [77, 'object-name'],
  [79, 'object-type'], [80, 'optional'], [81, 'out-of-service'], [85, 'present-value'], [87, 'priority-array'],
  [96, 'protocol-object-types-supported'], [97, 'protocol-services-supported'], [98, 'protocol-version'],
  [103, 'reliability'], [104, 'relinquish-default'], [105, 'required'], [107, 'segmentation-supported'],
  [111, 'status-flags'], [112, 'system-status'], [117, 'units'], [120, 'vendor-identifier'], [121, 'vendor-name'],
  [139, 'protocol-revision'], [155, 'database-revision'],
]);

export const SEGMENTATION: readonly string[] = ['segmented-both', 'segmented-transmit', 'segmented-receive', 'no-segmentation'];

/** 16.4.1.1.1: ReinitializeDevice reinitializedStateOfDevice. */
export const REINIT_STATES: readonly string[] = [
  'coldstart', 'warmstart', 'start-backup', 'end-backup', 'start-restore', 'end-restore', 'abort-restore', 'activate-changes',
];

/** 16.1.1.1.2: DeviceCommunicationControl enable-disable. */
export const DCC_STATES: readonly string[] = ['enable', 'disable', 'disable-initiation'];

/** 21: BACnetErrorClass and BACnetErrorCode (0-50). */
export const ERROR_CLASSES: readonly string[] = ['device', 'object', 'property', 'resources', 'security', 'services', 'vt', 'communication'];
export const ERROR_CODES: readonly string[] = [
  'other', 'authentication-failed', 'configuration-in-progress', 'device-busy', 'dynamic-creation-not-supported',
  'file-access-denied', 'incompatible-security-levels', 'inconsistent-parameters', 'inconsistent-selection-criterion',
  'invalid-data-type', 'invalid-file-access-method', 'invalid-file-start-position', 'invalid-operator-name',
  'invalid-parameter-data-type', 'invalid-time-stamp', 'key-generation-error', 'missing-required-parameter',
  'no-objects-of-specified-type', 'no-space-for-object', 'no-space-to-add-list-element', 'no-space-to-write-property',
  'no-vt-sessions-available', 'property-is-not-a-list', 'object-deletion-not-permitted', 'object-identifier-already-exists',
  'operational-problem', 'password-failure', 'read-access-denied', 'security-not-supported', 'service-request-denied',
  'timeout', 'unknown-object', 'unknown-property', 'removed', 'unknown-vt-class', 'unknown-vt-session',
  'unsupported-object-type', 'value-out-of-range', 'vt-session-already-closed', 'vt-session-termination-failure',
  'write-access-denied', 'character-set-not-supported', 'invalid-array-index', 'cov-subscription-failed',
  'not-cov-property', 'optional-functionality-not-supported', 'invalid-configuration-data', 'datatype-not-supported',
  'duplicate-name', 'duplicate-object-id', 'property-is-not-an-array',
];

/** 18.8: BACnetRejectReason. */
export const REJECT_REASONS: readonly string[] = [
  'other', 'buffer-overflow', 'inconsistent-parameters', 'invalid-parameter-data-type', 'invalid-tag',
  'missing-required-parameter', 'parameter-out-of-range', 'too-many-arguments', 'undefined-enumeration',
  'unrecognized-service',
];

/** 18.9: BACnetAbortReason. */
export const ABORT_REASONS: readonly string[] = [
  'other', 'buffer-overflow', 'invalid-apdu-in-this-state', 'preempted-by-higher-priority-task',
  'segmentation-not-supported', 'security-error', 'insufficient-security', 'window-size-out-of-range',
  'application-exceeded-reply-time', 'out-of-resources', 'tsm-timeout', 'apdu-too-long',
];

/**
 * A few common BACnet vendor identifiers (assigned by ASHRAE, bacnet.org/vendorid). Only well-known ids
 * are listed; an unknown id is reported as a number rather than guessed.
 */
export const VENDORS: ReadonlyMap<number, string> = new Map([
  [0, 'ASHRAE'], [1, 'NIST'], [2, 'The Trane Company'], [3, 'McQuay International'], [4, 'PolarSoft'],
  [5, 'Johnson Controls'], [6, 'American Auto-Matrix'], [7, 'Siemens (Landis & Staefa)'], [8, 'Delta Controls'],
  [9, 'Siemens Building Technologies'], [10, 'Andover Controls (Schneider Electric)'], [11, 'TAC'],
  [15, 'Cornell University'], [16, 'Carrier'], [17, 'Honeywell'], [18, 'Alerton'], [23, 'York Controls Group'],
  [24, 'Automated Logic Corporation'], [26, 'Phoenix Controls'], [28, 'KMC Controls'], [35, 'Reliable Controls'],
  [36, 'Tridium'], [39, 'Kieback & Peter'], [42, 'Lithonia Lighting'],
]);

export const nameOr = (table: readonly string[], v: number, what = 'unknown'): string => table[v] ?? `${what}-${v}`;
