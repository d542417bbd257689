// Code tables for MMS (ISO 9506-2) and the OSI upper layers under it (ISO 8327-1 session, ISO 8650
// ACSE). Names are the ASN.1 identifiers of the standard, so they match what other tools print.
import type { OpClass } from '../../decode/pdu.js';

/**
 * ConfirmedServiceRequest / ConfirmedServiceResponse CHOICE (ISO 9506-2 §7.1.4): context tag number
 * -> [name, operation class]. The same numbers are the bits of ServiceSupportOptions (§7.2.2).
 *
 * Operation classes, as the detection rules read them:
 * - identify and status answer "who/what are you": diagnostic.
 * - getNameList and the get...Attributes services browse the object model (in IEC 61850 the logical
 *   devices, nodes and data sets): read, like read itself.
 * - write, rename, and defining/deleting variables, variable lists (data sets), types, events and
 *   journals change configuration values: write.
 * - the domain services (download/upload sequences, requestDomainDownload/Upload, load/storeDomainContent,
 *   deleteDomain) move or delete a device's program and configuration: program.
 * - program invocation create/delete, start, stop, resume, reset, kill and triggerEvent change what
 *   runs: control.
 * - files: obtainFile makes the VMD fetch a file into its own filestore, fileRename and fileDelete
 *   change that filestore; this is how configuration and firmware images reach an IED, so they are
 *   program. fileOpen/fileRead/fileClose/fileDirectory only read (disturbance records, logs): read.
 */
export const confirmedServices: Record<number, readonly [string, OpClass]> = {
  0: ['status', 'diagnostic'],
  1: ['getNameList', 'read'],
  2: ['identify', 'diagnostic'],
  3: ['rename', 'write'],
  4: ['read', 'read'],
  5: ['write', 'write'],
  6: ['getVariableAccessAttributes', 'read'],
  7: ['defineNamedVariable', 'write'],
  8: ['defineScatteredAccess', 'write'],
  9: ['getScatteredAccessAttributes', 'read'],
  10: ['deleteVariableAccess', 'write'],
  11: ['defineNamedVariableList', 'write'],
  12: ['getNamedVariableListAttributes', 'read'],
  13: ['deleteNamedVariableList', 'write'],
  14: ['defineNamedType', 'write'],
  15: ['getNamedTypeAttributes', 'read'],
  16: ['deleteNamedType', 'write'],
  17: ['input', 'read'],
  18: ['output', 'write'],
  19: ['takeControl', 'other'],
  20: ['relinquishControl', 'other'],
  21: ['defineSemaphore', 'write'],
  22: ['deleteSemaphore', 'write'],
  23: ['reportSemaphoreStatus', 'read'],
  24: ['reportPoolSemaphoreStatus', 'read'],
  25: ['reportSemaphoreEntryStatus', 'read'],
  26: ['initiateDownloadSequence', 'program'],
  27: ['downloadSegment', 'program'],
  28: ['terminateDownloadSequence', 'program'],
  29: ['initiateUploadSequence', 'program'],
  30: ['uploadSegment', 'program'],
  31: ['terminateUploadSequence', 'program'],
  32: ['requestDomainDownload', 'program'],
  33: ['requestDomainUpload', 'program'],
  34: ['loadDomainContent', 'program'],
  35: ['storeDomainContent', 'program'],
  36: ['deleteDomain', 'program'],
  37: ['getDomainAttributes', 'read'],
  38: ['createProgramInvocation', 'control'],
  39: ['deleteProgramInvocation', 'control'],
  40: ['start', 'control'],
  41: ['stop', 'control'],
  42: ['resume', 'control'],
  43: ['reset', 'control'],
  44: ['kill', 'control'],
  45: ['getProgramInvocationAttributes', 'read'],
  46: ['obtainFile', 'program'],
  47: ['defineEventCondition', 'write'],
  48: ['deleteEventCondition', 'write'],
  49: ['getEventConditionAttributes', 'read'],
  50: ['reportEventConditionStatus', 'read'],
  51: ['alterEventConditionMonitoring', 'write'],
  52: ['triggerEvent', 'control'],
  53: ['defineEventAction', 'write'],
  54: ['deleteEventAction', 'write'],
  55: ['getEventActionAttributes', 'read'],
  56: ['reportEventActionStatus', 'read'],
  57: ['defineEventEnrollment', 'write'],
  58: ['deleteEventEnrollment', 'write'],
  59: ['alterEventEnrollment', 'write'],
  60: ['reportEventEnrollmentStatus', 'read'],
  61: ['getEventEnrollmentAttributes', 'read'],
  62: ['acknowledgeEventNotification', 'other'],
  63: ['getAlarmSummary', 'read'],
  64: ['getAlarmEnrollmentSummary', 'read'],
  65: ['readJournal', 'read'],
  66: ['writeJournal', 'write'],
  67: ['initializeJournal', 'write'],
  68: ['reportJournalStatus', 'read'],
  69: ['createJournal', 'write'],
  70: ['deleteJournal', 'write'],
  71: ['getCapabilityList', 'read'],
  72: ['fileOpen', 'read'],
  73: ['fileRead', 'read'],
  74: ['fileClose', 'read'],
  75: ['fileRename', 'program'],
  76: ['fileDelete', 'program'],
  77: ['fileDirectory', 'read'],
  // ISO 9506-2:2003 extensions ([79] is reserved; it tags service-ext in the PDU)
  78: ['additionalService', 'other'],
  80: ['getDataExchangeAttributes', 'read'],
  81: ['exchangeData', 'other'],
  82: ['defineAccessControlList', 'write'],
  83: ['getAccessControlListAttributes', 'read'],
  84: ['reportAccessControlledObjects', 'read'],
  85: ['deleteAccessControlList', 'write'],
  86: ['changeAccessControl', 'write'],
};

/** UnconfirmedService CHOICE (§7.1.6). Information reports carry process values (IEC 61850 reports). */
export const unconfirmedServices: Record<number, readonly [string, OpClass]> = {
  0: ['informationReport', 'read'],
  1: ['unsolicitedStatus', 'diagnostic'],
  2: ['eventNotification', 'other'],
};

/** ServiceSupportOptions bits beyond the confirmed services (§7.2.2). */
const EXTRA_SERVICE_BITS: Record<number, string> = {
  78: 'unsolicitedStatus', 79: 'informationReport', 80: 'eventNotification', 81: 'attachToEventCondition',
  82: 'attachToSemaphore', 83: 'conclude', 84: 'cancel', 85: 'getDataExchangeAttributes', 86: 'exchangeData',
  87: 'defineAccessControlList', 88: 'getAccessControlListAttributes', 89: 'reportAccessControlledObjects',
  90: 'deleteAccessControlList', 91: 'alterAccessControl', 92: 'reconfigureProgramInvocation',
};

export function serviceBitName(bit: number): string {
  if (bit < 78) return confirmedServices[bit]?.[0] ?? `bit${bit}`;
  return EXTRA_SERVICE_BITS[bit] ?? `bit${bit}`;
}

/** ParameterSupportOptions (§7.2.2): conformance building blocks. */
export const PARAMETER_CBB = ['str1', 'str2', 'vnam', 'valt', 'vadr', 'vsca', 'tpy', 'vlis', 'real', 'spare9', 'cei', 'aco', 'sem', 'csr', 'csnc', 'csplc', 'cspi', 'char'];

/** ServiceError errorClass CHOICE (§7.4.1): [tag] -> class name and its codes. */
export const errorClasses: Record<number, readonly [string, readonly string[]]> = {
  0: ['vmd-state', ['other', 'vmd-state-conflict', 'vmd-operational-problem', 'domain-transfer-problem', 'state-machine-id-invalid']],
  1: ['application-reference', ['other', 'application-unreachable', 'connection-lost', 'application-reference-invalid', 'context-unsupported']],
  2: ['definition', ['other', 'object-undefined', 'invalid-address', 'type-unsupported', 'type-inconsistent', 'object-exists', 'object-attribute-inconsistent']],
  3: ['resource', ['other', 'memory-unavailable', 'processor-resource-unavailable', 'mass-storage-unavailable', 'capability-unavailable', 'capability-unknown']],
  4: ['service', ['other', 'primitives-out-of-sequence', 'object-state-conflict', 'pdu-size', 'continuation-invalid', 'object-constraint-conflict']],
  5: ['service-preempt', ['other', 'timeout', 'deadlock', 'cancel']],
  6: ['time-resolution', ['other', 'unsupportable-time-resolution']],
  7: ['access', ['other', 'object-access-unsupported', 'object-non-existent', 'object-access-denied', 'object-invalidated']],
  8: ['initiate', ['other', 'version-incompatible', 'max-segment-insufficient', 'max-services-outstanding-calling-insufficient',
    'max-services-outstanding-called-insufficient', 'service-CBB-insufficient', 'parameter-CBB-insufficient', 'nesting-level-insufficient']],
  9: ['conclude', ['other', 'further-communication-required']],
  10: ['cancel', ['other', 'invoke-id-unknown', 'cancel-not-possible']],
  11: ['file', ['other', 'filename-ambiguous', 'file-busy', 'filename-syntax-error', 'content-type-invalid', 'position-invalid',
    'file-access-denied', 'file-non-existent', 'duplicate-filename', 'insufficient-space-in-filestore']],
  12: ['others', []],
};

/** RejectPDU rejectReason CHOICE (§7.6): [tag] -> the PDU type rejected and its reason codes. */
export const rejectReasons: Record<number, readonly [string, readonly (string | undefined)[]]> = {
  1: ['confirmed-requestPDU', ['other', 'unrecognized-service', 'unrecognized-modifier', 'invalid-invokeID', 'invalid-argument',
    'invalid-modifier', 'max-serv-outstanding-exceeded', undefined, 'max-recursion-exceeded', 'value-out-of-range']],
  2: ['confirmed-responsePDU', ['other', 'unrecognized-service', 'invalid-invokeID', 'invalid-result', undefined, 'max-recursion-exceeded', 'value-out-of-range']],
  3: ['confirmed-errorPDU', ['other', 'unrecognized-service', 'invalid-invokeID', 'invalid-serviceError', 'value-out-of-range']],
  4: ['unconfirmedPDU', ['other', 'unrecognized-service', 'invalid-argument', 'max-recursion-exceeded', 'value-out-of-range']],
  5: ['pdu-error', ['unknown-pdu-type', 'invalid-pdu', 'illegal-acse-mapping']],
  6: ['cancel-requestPDU', ['other', 'invalid-invokeID']],
  7: ['cancel-responsePDU', ['other', 'invalid-invokeID']],
  8: ['cancel-errorPDU', ['other', 'invalid-invokeID', 'invalid-serviceError', 'value-out-of-range']],
  9: ['conclude-requestPDU', ['other', 'invalid-argument']],
  10: ['conclude-responsePDU', ['other', 'invalid-result']],
  11: ['conclude-errorPDU', ['other', 'invalid-serviceError', 'value-out-of-range']],
};

/** DataAccessError (§14.4.2): why one variable of a Read/Write/report failed. */
export const DATA_ACCESS_ERRORS = [
  'object-invalidated', 'hardware-fault', 'temporarily-unavailable', 'object-access-denied', 'object-undefined', 'invalid-address',
  'type-unsupported', 'type-inconsistent', 'object-attribute-inconsistent', 'object-access-unsupported', 'object-non-existent', 'object-value-invalid',
];

/** ObjectClass basicObjectClass (§7.5.2). 9 = domain: in IEC 61850 the logical devices of an IED. */
export const OBJECT_CLASSES = [
  'namedVariable', 'scatteredAccess', 'namedVariableList', 'namedType', 'semaphore', 'eventCondition', 'eventAction',
  'eventEnrollment', 'journal', 'domain', 'programInvocation', 'operatorStation', 'dataExchange', 'accessControlList',
];
export const OBJECT_CLASS_DOMAIN = 9;

/**
 * Session SPDU identifiers (ISO 8327-1 §8.3, Table 10). 1 is GIVE TOKENS when it comes first and
 * DATA TRANSFER after a category 0 SPDU; 0x32 (MINOR SYNC ACK) is not here: on port 102 that
 * first byte is S7comm, and MMS never uses minor synchronisation.
 */
export const SPDU_NAMES: Record<number, string> = {
  0x01: 'DATA TRANSFER', 0x02: 'PLEASE TOKENS', 0x05: 'EXPEDITED', 0x07: 'PREPARE', 0x08: 'NOT FINISHED', 0x09: 'FINISH',
  0x0a: 'DISCONNECT', 0x0c: 'REFUSE', 0x0d: 'CONNECT', 0x0e: 'ACCEPT', 0x0f: 'CONNECT DATA OVERFLOW', 0x10: 'OVERFLOW ACCEPT',
  0x15: 'GIVE TOKENS CONFIRM', 0x16: 'GIVE TOKENS ACK', 0x19: 'ABORT', 0x1a: 'ABORT ACCEPT', 0x1d: 'ACTIVITY RESUME',
  0x21: 'TYPED DATA', 0x22: 'RESYNCHRONIZE ACK', 0x29: 'MAJOR SYNC POINT', 0x2a: 'MAJOR SYNC ACK', 0x2d: 'ACTIVITY START',
  0x30: 'EXCEPTION DATA', 0x31: 'MINOR SYNC POINT', 0x35: 'RESYNCHRONIZE', 0x39: 'ACTIVITY DISCARD', 0x3a: 'ACTIVITY DISCARD ACK',
  0x3d: 'CAPABILITY DATA', 0x3e: 'CAPABILITY DATA ACK',
};

/** Well-known object identifiers on an MMS association (ISO 8650, ISO 9506-2 Annex, ISO 8825). */
export const OID_NAMES: Record<string, string> = {
  '2.2.1.0.1': 'acse',        // ACSE abstract syntax (ISO 8650-1)
  '1.0.9506.2.1': 'mms',      // MMS abstract syntax, version 1
  '1.0.9506.2.3': 'mms',      // MMS application context (mms-annex-version1)
  '2.1.1': 'ber',             // basic encoding rules (transfer syntax)
};

/** AARE result (ISO 8650-1 Associate-result) and the release/abort reasons. */
export const ASSOCIATE_RESULTS = ['accepted', 'rejected-permanent', 'rejected-transient'];
export const RELEASE_REQUEST_REASONS: Record<number, string> = { 0: 'normal', 1: 'urgent', 30: 'user-defined' };
export const RELEASE_RESPONSE_REASONS: Record<number, string> = { 0: 'normal', 1: 'not-finished', 30: 'user-defined' };
export const ABORT_SOURCES = ['acse-service-user', 'acse-service-provider'];

/** ISO 8327-1 §8.3.3.17 REFUSE reason code (first octet of PI 50). */
export const REFUSE_REASONS: Record<number, string> = {
  0: 'rejected by called SS-user', 1: 'rejection by called SS-user due to temporary congestion', 2: 'rejected by called SS-user with user data',
  0x81: 'session selector unknown', 0x82: 'SS-user not attached to SSAP', 0x83: 'SPM congestion at connect time',
  0x84: 'proposed protocol versions not supported', 0x85: 'rejection by the SPM, reason not specified', 0x86: 'rejection by the SPM, implementation restriction',
};

export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase();
}
