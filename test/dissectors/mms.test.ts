// Frame tests for MMS (ISO 9506-2) over ISO session/presentation/ACSE, TPKT and COTP on port 102.
// Real PDUs come from the public captures (test/dissectors/samples/mms.ts names capture and frame);
// the synthetic ones are built with the BER builders of test/pcapgen/mms.ts.
import { describe, expect, it } from 'vitest';
import { decodeApp } from '../../src/decode/reader.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { mms } from '../../src/dissectors/mms/index.js';
import { confirmedServices, snake } from '../../src/dissectors/mms/names.js';
import { s7comm, type S7State } from '../../src/dissectors/s7comm/index.js';
import {
  aarq, confirmedError, confirmedReq, confirmedReqPrim, confirmedResp, cpType, ctx, dataTransfer, domainName, fullyEncoded, IED_ID,
  initiateRequest, intv, LDS, listOfVariable, malformedMessages, sessionConnect, spdu, tlv, tpktConnect, vis,
} from '../pcapgen/mms.js';
import { tpktDt } from '../pcapgen/s7comm.js';
import { hex } from '../support/decode.js';
import { ingestCapture } from '../support/pipeline.js';
import { samples } from './samples/mms.js';
import { samples as s7Samples } from './samples/s7comm.js';

const sample = (note: string) => {
  const s = samples.find((x) => x.note.includes(note));
  if (!s) throw new Error(`no sample ${note}`);
  return hex(s.hex);
};

function run(bufs: Buffer | Buffer[], dir: Direction = 0, state: S7State = mms.newState!()) {
  const out = { pdus: [] as Array<Pdu & Record<string, unknown>>, anomalies: [] as string[] };
  const sink = { pdu: (p: Pdu) => out.pdus.push(p as Pdu & Record<string, unknown>), anomaly: (id: string) => out.anomalies.push(id) };
  for (const b of Array.isArray(bufs) ? bufs : [bufs]) decodeApp(mms, b, dir, state, sink);
  return out;
}
/** One MMS PDU in GT + DT + fully-encoded data, in TPKT/COTP. */
const dt = (pdu: Buffer) => tpktDt(dataTransfer(pdu));
const one = (pdu: Buffer, dir: Direction = 0, st?: S7State) => {
  const r = run(dt(pdu), dir, st);
  expect(r.anomalies).toEqual([]);
  expect(r.pdus).toHaveLength(1);
  return r.pdus[0]!;
};
const txt = (s: string) => Buffer.from(s, 'latin1');

describe('session, presentation and ACSE', () => {
  it('CONNECT: CP-type with contexts, AARQ, initiate-RequestPDU (ABB station computer)', () => {
    const r = run(sample('frame 110'));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'mms', kind: 'initiate_request', pduType: 'initiate-RequestPDU', role: 'request', functionName: 'initiate-RequestPDU', op: 'session',
      localDetail: 64000, maxServOutstandingCalling: 10, maxServOutstandingCalled: 10, nestingLevel: 5, version: 1,
      parameterCbb: ['str1', 'str2', 'vnam', 'vlis'],
      servicesSupported: ['status', 'identify', 'fileOpen', 'fileRead', 'fileClose', 'informationReport', 'conclude'],
      spdu: 'CONNECT',
      session: { callingSelector: '0001', calledSelector: '0001', version: 2 },
      presentation: {
        mode: 'normal', callingSelector: '00000001', calledSelector: '00000001',
        contexts: [{ id: 1, abstractSyntax: '2.2.1.0.1', name: 'acse' }, { id: 3, abstractSyntax: '1.0.9506.2.1', name: 'mms' }],
      },
      acse: { apdu: 'aarq', applicationContext: '1.0.9506.2.3', applicationContextName: 'mms' },
    }]);
  });

  it('AARQ AP titles and AE qualifiers (GE relay client); ACCEPT with AARE result', () => {
    expect(run(sample('frame 104')).pdus[0]!.acse).toEqual({
      apdu: 'aarq', applicationContext: '1.0.9506.2.3', applicationContextName: 'mms',
      calledApTitle: '1.3.9999.23', calledAeQualifier: 23, callingApTitle: '1.3.9999.105', callingAeQualifier: 33,
    });
    const ac = run(sample('frame 111'), 1).pdus[0]!;
    expect(ac).toMatchObject({
      kind: 'initiate_response', role: 'response', spdu: 'ACCEPT', maxServOutstandingCalled: 8, nestingLevel: 5,
      presentation: { respondingSelector: '00000001', contextResults: ['acceptance', 'acceptance'] },
      acse: { apdu: 'aare', result: 0, resultName: 'accepted', diagnosticSource: 'acse-service-user', diagnostic: 0 },
    });
    expect(ac.servicesSupported).toContain('getNameList');
  });

  it('FINISH with RLRQ and DISCONNECT with RLRE', () => {
    expect(run(sample('frame 139')).pdus).toEqual([{ proto: 'mms', kind: 'release_request', role: 'request', functionName: 'Release Request', op: 'session', spdu: 'FINISH', acse: { apdu: 'rlrq', reason: 'urgent' } }]);
    expect(run(sample('frame 140'), 1).pdus[0]).toMatchObject({ kind: 'release_response', spdu: 'DISCONNECT', acse: { apdu: 'rlre', reason: 'not-finished' } });
  });

  it('a password in the AARQ becomes credentials: measured, never kept', () => {
    const p = run(tpktDt(sessionConnect(cpType(aarq(initiateRequest(), 'Secret#2024'))))).pdus[0]!;
    expect(p.acse).toMatchObject({ authentication: 'password', authenticationMechanism: '2.2.3.1' });
    expect(p.credentials).toEqual({ protocol: 'MMS', user: '', passwordLength: 11, passwordStrength: 'Medium' });
    expect(JSON.stringify(p)).not.toContain('Secret');
  });

  it('ABORT (ARU-PPDU with ABRT), ABORT ACCEPT, REFUSE, NOT FINISHED', () => {
    const aru = tlv(0xa0, fullyEncoded(1, tlv(0x64, tlv(0x80, intv(1)))));
    expect(run(tpktDt(spdu(0x19, [17, Buffer.from([0x09])], [193, aru]))).pdus).toEqual([{
      proto: 'mms', kind: 'abort', role: 'notify', functionName: 'Abort', op: 'session', spdu: 'ABORT', acse: { apdu: 'abrt', abortSource: 'acse-service-provider' },
    }]);
    const arp = tlv(0x30, tlv(0x80, intv(2)));
    expect(run(tpktDt(spdu(0x19, [193, arp]))).pdus[0]).toMatchObject({ kind: 'abort', providerReason: 2 });
    expect(run(tpktDt(spdu(0x1a))).pdus[0]).toMatchObject({ kind: 'abort_accept', spdu: 'ABORT ACCEPT' });
    expect(run(tpktDt(spdu(0x0c, [50, Buffer.from([0x81])])), 1).pdus[0]).toMatchObject({ kind: 'refuse', refuseReason: 0x81, refuseReasonName: 'session selector unknown' });
    expect(run(tpktDt(spdu(0x08, [193, fullyEncoded(1, tlv(0x63, tlv(0x80, intv(1))))])), 1).pdus[0]).toMatchObject({ kind: 'release_refused', acse: { reason: 'not-finished' } });
  });

  it('GIVE TOKENS alone carries nothing; DATA TRANSFER without presentation data is an anomaly', () => {
    expect(run(tpktDt(Buffer.from([0x01, 0x00])))).toEqual({ pdus: [], anomalies: [] });
    expect(run(tpktDt(Buffer.from([0x01, 0x00, 0x01, 0x00])))).toEqual({ pdus: [], anomalies: ['mms.bad_ppdu'] });
  });

  it('a 3-byte length indicator (0xFF, u16) and a DT without its GT', () => {
    const pdu = confirmedReq(9, 2, null);
    const long = Buffer.concat([Buffer.from([0x01, 0xff, 0x00, 0x00, 0x01, 0x00]), fullyEncoded(3, pdu)]);
    expect(run(tpktDt(long)).pdus[0]).toMatchObject({ kind: 'identify_request', invokeId: 9 });
    expect(run(tpktDt(Buffer.concat([Buffer.from([0x01, 0x00]), fullyEncoded(3, pdu)]))).pdus[0]).toMatchObject({ kind: 'identify_request' });
  });
});

describe('MMS PDUs', () => {
  it('initiate-RequestPDU straight in COTP (no session layer)', () => {
    const r = run(sample('bare initiate'));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'initiate_request', localDetail: 31, maxServOutstandingCalling: 3, nestingLevel: 2056, version: 1, parameterCbb: ['str1', 'str2', 'vnam', 'vadr'] });
    expect(r.pdus[0]!.servicesSupported).toHaveLength(85);
  });

  it('identify: vendor, model and revision become identity', () => {
    const st = mms.newState!();
    expect(one(confirmedReq(1, 2, null), 0, st)).toEqual({ proto: 'mms', kind: 'identify_request', pduType: 'confirmed-RequestPDU', role: 'request', functionName: 'identify', op: 'diagnostic', invokeId: 1, functionCode: 2 });
    const resp = confirmedResp(1, 2, Buffer.concat([tlv(0x80, txt(IED_ID.vendor)), tlv(0x81, txt(IED_ID.model)), tlv(0x82, txt(IED_ID.revision))]));
    expect(one(resp, 1, st)).toMatchObject({ kind: 'identify_response', vendorName: 'Demo Relays', identity: { vendor: 'Demo Relays', model: 'DR-7000 Feeder IED', firmwareVersion: 'V2.14.3' } });
  });

  it('getNameList of domains: class and scope; the answer lists the logical devices as domains', () => {
    const st = mms.newState!();
    expect(run(sample('frame 121'), 0, st).pdus[0]).toMatchObject({ kind: 'get_name_list_request', functionCode: 1, op: 'read', invokeId: 0xb3, objectClass: 9, objectClassName: 'domain', objectScope: 'vmd' });
    const r = run(sample('getNameList response'), 1, st).pdus[0]!;
    const lds = ['UR89_840Ctrl', 'UR89_840Gen', 'UR89_840Master', 'UR89_840Meter', 'UR89_840Prot', 'UR89_840System'];
    expect(r).toMatchObject({ kind: 'get_name_list_response', names: lds, nameCount: 6, moreFollows: false, objectClass: 9, domains: lds });
    // a domain-scoped request; without the request, an answer has names but no domains
    expect(one(confirmedReq(5, 1, Buffer.concat([tlv(0xa0, tlv(0x80, intv(2))), tlv(0xa1, tlv(0x81, txt('LD0'))), tlv(0x82, txt('DS1'))])))).toMatchObject({
      objectClassName: 'namedVariableList', objectScope: 'domain', domain: 'LD0', continueAfter: 'DS1' });
    expect(run(sample('getNameList response'), 1).pdus[0]!.domains).toBeUndefined();
  });

  it('read: domain-specific variables; per-variable failures; nameplate strings become identity', () => {
    const st = mms.newState!();
    expect(run(sample('frame 128'), 0, st).pdus[0]).toMatchObject({ kind: 'read_request', op: 'read', variables: [{ scope: 'domain', domain: 'AA1E1Q01FP2LD0', item: 'LLN0$BR$rcb_B02' }], variableCount: 1 });
    expect(run(sample('frame 129'), 1, st).pdus[0]).toMatchObject({ kind: 'read_response', results: 1, accessErrors: [{ index: 0, code: 10, name: 'object-non-existent' }] });
    const ge = mms.newState!();
    run(sample('read request NamPlt'), 0, ge);
    expect(run(sample('frame 296'), 1, ge).pdus[0]).toMatchObject({ kind: 'read_response', identity: { vendor: 'GE Multilin' } });
    // vmd- and aa-specific names, a named variable list
    const names = listOfVariable(tlv(0x80, txt('VmdVar')), tlv(0x82, txt('AaVar')));
    expect(one(confirmedReq(6, 4, tlv(0xa1, names))).variables).toEqual([{ scope: 'vmd', item: 'VmdVar' }, { scope: 'aa', item: 'AaVar' }]);
    expect(one(confirmedReq(7, 4, tlv(0xa1, tlv(0xa1, domainName('LD0', 'LLN0$DS1'))))).variableListName).toEqual({ scope: 'domain', domain: 'LD0', item: 'LLN0$DS1' });
  });

  it('write: variables, values, results', () => {
    const st = mms.newState!();
    const req = confirmedReq(4, 5, Buffer.concat([listOfVariable(domainName('LD0', 'CSWI1$CO$Pos$Oper')), tlv(0xa0, tlv(0x83, Buffer.from([1])))]));
    expect(one(req, 0, st)).toMatchObject({ kind: 'write_request', op: 'write', functionCode: 5, variables: [{ domain: 'LD0', item: 'CSWI1$CO$Pos$Oper' }], valueCount: 1 });
    expect(one(confirmedResp(4, 5, Buffer.concat([tlv(0x81, Buffer.alloc(0)), tlv(0x80, intv(3))])), 1, st)).toMatchObject({
      kind: 'write_response', results: 2, accessErrors: [{ index: 1, code: 3, name: 'object-access-denied' }] });
  });

  it('getVariableAccessAttributes and a confirmed-ErrorPDU named from its request', () => {
    const st = mms.newState!();
    expect(run(sample('frame 124'), 0, st).pdus[0]).toMatchObject({ kind: 'get_variable_access_attributes_request', name: { domain: 'AA1E1Q01FP2LD0', item: 'LLN0$BR$rcb_B02' } });
    expect(run(sample('confirmed-ErrorPDU'), 1, st).pdus).toEqual([{
      proto: 'mms', kind: 'get_variable_access_attributes_error', pduType: 'confirmed-ErrorPDU', role: 'response', functionName: 'getVariableAccessAttributes', op: 'read',
      invokeId: 303731, functionCode: 6, errorClass: 7, errorClassName: 'access', errorCode: 2, exception: { code: 0x702, name: 'access: object-non-existent' },
    }]);
    expect(one(confirmedError(99, 11, 7), 1)).toMatchObject({ kind: 'confirmed_error', functionName: 'confirmed-Error', exception: { name: 'file: file-non-existent' } });
  });

  it('data sets: getNamedVariableListAttributes, define and delete', () => {
    expect(run(sample('frame 365')).pdus[0]).toMatchObject({ kind: 'get_named_variable_list_attributes_request', variableListName: { domain: 'UR89_840Master', item: 'LLN0$TT3DataSet01' } });
    expect(run(sample('frame 370'), 1).pdus[0]).toMatchObject({ deletable: false, variables: [{ domain: 'UR89_840Master', item: 'GGIO1$ST$Ind010' }], variableCount: 1 });
    const define = confirmedReq(8, 11, Buffer.concat([domainName('LD0', 'LLN0$DS9'), listOfVariable(domainName('LD0', 'GGIO1$ST'))]));
    expect(one(define)).toMatchObject({ kind: 'define_named_variable_list_request', op: 'write', variableListName: { item: 'LLN0$DS9' }, variables: [{ item: 'GGIO1$ST' }] });
    const del = confirmedReq(9, 13, Buffer.concat([tlv(0x80, intv(0)), tlv(0xa1, domainName('LD0', 'LLN0$DS9'))]));
    expect(one(del)).toMatchObject({ kind: 'delete_named_variable_list_request', scopeOfDelete: 'specific', names: [{ item: 'LLN0$DS9' }] });
    expect(one(confirmedResp(9, 13, Buffer.concat([tlv(0x80, intv(1)), tlv(0x81, intv(1))])), 1)).toMatchObject({ numberMatched: 1, numberDeleted: 1 });
  });

  it('status and rename', () => {
    expect(one(confirmedReqPrim(1, 0, Buffer.from([0])))).toMatchObject({ kind: 'status_request', op: 'diagnostic', extendedDerivation: false });
    expect(one(confirmedResp(1, 0, Buffer.concat([tlv(0x80, intv(0)), tlv(0x81, intv(0))])), 1)).toMatchObject({ vmdLogicalStatus: 'state-changes-allowed', vmdPhysicalStatus: 'operational' });
    const ren = confirmedReq(2, 3, Buffer.concat([tlv(0xa0, tlv(0x80, intv(2))), tlv(0xa1, domainName('LD0', 'DS1')), tlv(0x82, txt('DS2'))]));
    expect(one(ren)).toMatchObject({ kind: 'rename_request', op: 'write', objectClass: 2, name: { item: 'DS1' }, newIdentifier: 'DS2' });
  });

  it('program invocations: start and stop (crafted capture), resume, reset, kill, create, delete', () => {
    expect(run(sample('start request')).pdus[0]).toMatchObject({ kind: 'start_request', functionCode: 40, functionName: 'start', op: 'control', programInvocation: 'R395024397Application_1' });
    expect(run(sample('stop request')).pdus).toEqual([{
      proto: 'mms', kind: 'stop_request', pduType: 'confirmed-RequestPDU', role: 'request', functionName: 'stop', op: 'control', invokeId: 1, functionCode: 41, programInvocation: 'R395024397Application_1',
    }]);
    for (const [svc, name] of [[42, 'resume'], [43, 'reset'], [44, 'kill']] as const) {
      expect(one(confirmedReq(3, svc, tlv(0x80, txt('PI1'))))).toMatchObject({ kind: `${name}_request`, op: 'control', programInvocation: 'PI1' });
    }
    expect(one(confirmedReq(4, 38, Buffer.concat([tlv(0x80, txt('PI1')), tlv(0xa1, vis('LD0'), vis('LD1'))])))).toMatchObject({ kind: 'create_program_invocation_request', op: 'control', programInvocation: 'PI1', domains: ['LD0', 'LD1'] });
    expect(one(confirmedReqPrim(5, 39, txt('PI1')))).toMatchObject({ kind: 'delete_program_invocation_request', op: 'control', programInvocation: 'PI1' });
    expect(one(confirmedResp(5, 41, null), 1)).toMatchObject({ kind: 'stop_response', op: 'control' });
  });

  it('domain download and upload sequences, domain load/store/delete: program', () => {
    const st = mms.newState!();
    expect(one(confirmedReq(1, 26, Buffer.concat([tlv(0x80, txt('PROG')), tlv(0xa1, vis('cap')), tlv(0x82, Buffer.from([0]))])), 0, st)).toMatchObject({ kind: 'initiate_download_sequence_request', op: 'program', domain: 'PROG', sharable: false });
    expect(one(confirmedReqPrim(1, 27, txt('PROG')), 1, st)).toMatchObject({ kind: 'download_segment_request', domain: 'PROG' });
    expect(one(confirmedResp(1, 27, Buffer.concat([tlv(0x80, Buffer.alloc(20)), tlv(0x81, Buffer.from([0]))])), 0, st)).toMatchObject({ kind: 'download_segment_response', dataLength: 20, moreFollows: false });
    expect(one(confirmedReq(2, 28, tlv(0x80, txt('PROG'))), 1)).toMatchObject({ kind: 'terminate_download_sequence_request', domain: 'PROG' });
    expect(one(confirmedReqPrim(3, 29, txt('PROG')))).toMatchObject({ kind: 'initiate_upload_sequence_request', domain: 'PROG' });
    expect(one(confirmedResp(3, 29, tlv(0x80, intv(7))), 1)).toMatchObject({ ulsmId: 7 });
    expect(one(confirmedReqPrim(4, 30, intv(7)))).toMatchObject({ kind: 'upload_segment_request', ulsmId: 7, op: 'program' });
    expect(one(confirmedResp(4, 30, tlv(0x80, Buffer.alloc(9))), 1)).toMatchObject({ dataLength: 9, moreFollows: true });
    expect(one(confirmedReqPrim(5, 31, intv(7)))).toMatchObject({ kind: 'terminate_upload_sequence_request', ulsmId: 7 });
    const file = (tag: number) => tlv(tag, tlv(0x19, txt('cfg')), tlv(0x19, txt('prog.bin')));
    expect(one(confirmedReq(6, 32, Buffer.concat([tlv(0x80, txt('PROG')), file(0xa4)])))).toMatchObject({ kind: 'request_domain_download_request', domain: 'PROG', fileName: 'cfg/prog.bin' });
    expect(one(confirmedReq(7, 33, Buffer.concat([tlv(0x80, txt('PROG')), file(0xa1)])))).toMatchObject({ kind: 'request_domain_upload_request', fileName: 'cfg/prog.bin' });
    expect(one(confirmedReq(8, 34, Buffer.concat([tlv(0x80, txt('PROG')), file(0xa4)])))).toMatchObject({ kind: 'load_domain_content_request', op: 'program', fileName: 'cfg/prog.bin' });
    expect(one(confirmedReq(9, 35, Buffer.concat([tlv(0x80, txt('PROG')), file(0xa1)])))).toMatchObject({ kind: 'store_domain_content_request', op: 'program' });
    expect(one(confirmedReqPrim(10, 36, txt('PROG')))).toMatchObject({ kind: 'delete_domain_request', op: 'program', domain: 'PROG' });
    expect(one(confirmedReqPrim(11, 37, txt('PROG')))).toMatchObject({ kind: 'get_domain_attributes_request', op: 'read', domain: 'PROG' });
  });

  it('file services', () => {
    const fn = (tag: number, name: string) => tlv(tag, tlv(0x19, txt(name)));
    expect(one(confirmedReq(1, 46, Buffer.concat([fn(0xa1, 'fw.bin'), fn(0xa2, '/flash/fw.bin')])))).toMatchObject({ kind: 'obtain_file_request', op: 'program', sourceFile: 'fw.bin', destinationFile: '/flash/fw.bin' });
    expect(one(confirmedReq(2, 72, Buffer.concat([fn(0xa0, 'COMTRADE/a.cfg'), tlv(0x81, intv(0))])))).toMatchObject({ kind: 'file_open_request', op: 'read', fileName: 'COMTRADE/a.cfg', initialPosition: 0 });
    expect(one(confirmedResp(2, 72, Buffer.concat([tlv(0x80, intv(4)), tlv(0xa1, tlv(0x80, intv(100)))])), 1)).toMatchObject({ frsmId: 4 });
    expect(one(confirmedReqPrim(3, 73, intv(4)))).toMatchObject({ kind: 'file_read_request', frsmId: 4 });
    expect(one(confirmedResp(3, 73, Buffer.concat([tlv(0x80, Buffer.alloc(100)), tlv(0x81, Buffer.from([0]))])), 1)).toMatchObject({ dataLength: 100, moreFollows: false });
    expect(one(confirmedReqPrim(4, 74, intv(4)))).toMatchObject({ kind: 'file_close_request', frsmId: 4 });
    expect(one(confirmedReq(5, 75, Buffer.concat([fn(0xa0, 'a'), fn(0xa1, 'b')])))).toMatchObject({ kind: 'file_rename_request', op: 'program', fileName: 'a', newFileName: 'b' });
    expect(one(confirmedReq(6, 76, tlv(0x19, txt('old.log'))))).toMatchObject({ kind: 'file_delete_request', op: 'program', fileName: 'old.log' });
    expect(one(confirmedReq(7, 77, fn(0xa0, 'COMTRADE/*')))).toMatchObject({ kind: 'file_directory_request', op: 'read', fileName: 'COMTRADE/*' });
    const entry = (n: string) => tlv(0x30, fn(0xa0, n), tlv(0xa1, tlv(0x80, intv(10))));
    expect(one(confirmedResp(7, 77, tlv(0xa0, entry('a.cfg'), entry('a.dat'))), 1)).toMatchObject({ files: ['a.cfg', 'a.dat'], moreFollows: false });
  });

  it('every ConfirmedServiceRequest tag has its ISO 9506-2 name, kind and operation class', () => {
    const prim = new Map<number, Buffer>([[0, Buffer.from([0])], [2, Buffer.alloc(0)], [30, intv(1)], [31, intv(1)], [73, intv(1)], [74, intv(1)]]);
    for (const t of [27, 29, 36, 37, 39, 45]) prim.set(t, txt('X'));
    const name = domainName('LD0', 'X');
    const body = new Map<number, Buffer>([[5, Buffer.concat([listOfVariable(name), tlv(0xa0, tlv(0x83, Buffer.from([1])))])], [6, tlv(0xa0, name)]]);
    for (const t of [7, 11, 12, 14, 15]) body.set(t, name);
    for (const [tag, [svc, op]] of Object.entries(confirmedServices)) {
      const n = Number(tag);
      const pdu = prim.has(n) ? confirmedReqPrim(1, n, prim.get(n)!) : confirmedReq(1, n, body.get(n) ?? Buffer.alloc(0));
      expect(one(pdu), svc).toMatchObject({ kind: `${snake(svc)}_request`, functionCode: n, functionName: svc, op });
      expect(one(confirmedResp(1, n, null), 1), svc).toMatchObject({ kind: `${snake(svc)}_response`, functionCode: n, op });
    }
    expect(Object.keys(confirmedServices)).toHaveLength(86);
  });

  it('informationReport: list name RPT, report id, results (association start not captured)', () => {
    const r = run(sample('frame 3)'), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'mms', kind: 'information_report_notify', pduType: 'unconfirmed-PDU', role: 'notify', functionName: 'informationReport', op: 'read', functionCode: 0,
      variableListName: { scope: 'vmd', item: 'RPT' }, results: 6, reportId: 'AA1C1Q01A1LD0/LLN0$rcb_I02',
    }]);
    const named = tlv(0xa3, tlv(0xa0, listOfVariable(domainName('LD0', 'MMXU1$MX')), tlv(0xa0, tlv(0x87, Buffer.alloc(5)))));
    expect(one(named, 1)).toMatchObject({ kind: 'information_report_notify', variables: [{ item: 'MMXU1$MX' }], results: 1 });
    expect(one(tlv(0xa3, tlv(0xa1, tlv(0x80, intv(0)))), 1)).toMatchObject({ kind: 'unsolicited_status_notify', op: 'diagnostic' });
    expect(one(tlv(0xa3, tlv(0xa2, Buffer.alloc(0))), 1)).toMatchObject({ kind: 'event_notification_notify' });
  });

  it('reject, cancel, conclude and initiate errors', () => {
    expect(one(tlv(0xa4, tlv(0x80, intv(14)), tlv(0x81, intv(3))), 1)).toEqual({
      proto: 'mms', kind: 'reject', pduType: 'rejectPDU', role: 'response', functionName: 'reject', op: 'other', originalInvokeId: 14,
      rejectedPdu: 'confirmed-requestPDU', reason: 3, reasonName: 'invalid-invokeID', exception: { code: 0x103, name: 'confirmed-requestPDU: invalid-invokeID' },
    });
    expect(one(tlv(0xa4, tlv(0x85, intv(0))), 1)).toMatchObject({ rejectedPdu: 'pdu-error', reasonName: 'unknown-pdu-type' });
    const st = mms.newState!();
    one(confirmedReq(21, 4, tlv(0xa1, listOfVariable(domainName('LD0', 'X')))), 0, st);
    expect(one(tlv(0x85, intv(21)), 0, st)).toMatchObject({ kind: 'cancel_request', invokeId: 21, cancelledService: 'read', op: 'session' });
    expect(one(tlv(0x86, intv(21)), 1, st)).toMatchObject({ kind: 'cancel_response', invokeId: 21, cancelledService: 'read' });
    expect(one(tlv(0xa7, tlv(0x80, intv(21)), tlv(0xa1, tlv(0xa0, tlv(0x8a, intv(2))))), 1)).toMatchObject({ kind: 'cancel_error', exception: { name: 'cancel: cancel-not-possible' } });
    expect(one(tlv(0x8b, Buffer.alloc(0)))).toMatchObject({ kind: 'conclude_request', pduType: 'conclude-RequestPDU', op: 'session' });
    expect(one(tlv(0x8c, Buffer.alloc(0)), 1)).toMatchObject({ kind: 'conclude_response' });
    expect(one(tlv(0xad, tlv(0xa0, tlv(0x89, intv(1)))), 1)).toMatchObject({ kind: 'conclude_error', exception: { code: 0x901, name: 'conclude: further-communication-required' } });
    expect(one(tlv(0xaa, tlv(0xa0, tlv(0x88, intv(1))), tlv(0x82, txt('version'))), 1)).toMatchObject({
      kind: 'initiate_error', errorClassName: 'initiate', additionalDescription: 'version', exception: { name: 'initiate: version-incompatible' } });
  });
});

describe('COTP connection management and S7 on the same port', () => {
  it('CR/CC of an MMS connection are MMS, not S7 (TSAPs before any DT)', () => {
    const st = mms.newState!();
    expect(run(sample('frame 107'), 0, st).pdus).toEqual([{
      proto: 'mms', kind: 'cotp_connect_request', role: 'request', functionCode: 0xe0, functionName: 'COTP Connection Request', op: 'session',
      dstRef: 0, srcRef: 0x778, protocolClass: 0, srcTsap: '0001', dstTsap: '0001', tpduSize: 8192,
    }]);
    expect(run(sample('frame 109'), 1, st).pdus[0]).toMatchObject({ proto: 'mms', kind: 'cotp_connect_confirm' });
    expect(run(sample('TSAPs 0002/0200')).pdus[0]).toMatchObject({ proto: 'mms', srcTsap: '0002', dstTsap: '0200' });
    expect(run(sample('TSAPs 0002/0200')).pdus[0]!.rack).toBeUndefined();
  });

  it('S7 TSAPs stay S7: connection type 1-3, SIMATIC text, both non-zero', () => {
    const cr = (calling: Buffer, called: Buffer) => {
      const cotp = Buffer.concat([hex('e0 00 00 00 01 00 c0 01 0a c1'), Buffer.from([calling.length]), calling, hex('c2'), Buffer.from([called.length]), called]);
      return Buffer.concat([Buffer.from([3, 0, 0, 5 + cotp.length, cotp.length]), cotp]);
    };
    expect(run(cr(hex('01 00'), hex('01 02'))).pdus[0]).toMatchObject({ proto: 's7comm', rack: 0, slot: 2 });
    expect(run(cr(hex('06 00'), txt('SIMATIC-ROOT-HMI'))).pdus[0]).toMatchObject({ proto: 's7comm' });
    expect(run(cr(txt('MW'), hex('10 00'))).pdus[0]).toMatchObject({ proto: 's7comm' });
    expect(run(cr(hex('00 01'), hex('00 01'))).pdus[0]).toMatchObject({ proto: 'mms' });
    expect(run(cr(hex('00 00 00 01'), hex('00 00 00 01'))).pdus[0]).toMatchObject({ proto: 'mms' });
  });

  it('the DTs decide: a DR is labelled by what the connection carried', () => {
    const dr = hex('03 00 00 0b 06 80 00 03 00 07 80');
    const a = mms.newState!();
    run(hex(s7Samples.find((s) => s.note.includes('COTP CR'))!.hex), 0, a); // S7 TSAPs
    expect(run(dt(confirmedReq(1, 2, null)), 0, a).pdus[0]).toMatchObject({ proto: 'mms', kind: 'identify_request' });
    expect(run(dr, 0, a).pdus[0]).toMatchObject({ proto: 'mms', kind: 'cotp_disconnect_request' });
    const b = mms.newState!();
    run(tpktConnect(false, 0, 1), 0, b); // MMS-style TSAPs, but S7comm follows
    const setup = hex(s7Samples.find((s) => s.note.includes('Job Setup communication'))!.hex);
    expect(run(setup, 0, b).pdus[0]).toMatchObject({ proto: 's7comm', kind: 'setup_communication_request' });
    expect(run(dr, 0, b).pdus[0]).toMatchObject({ proto: 's7comm' });
    // on a connection whose DTs carried S7, other bytes stay S7's anomaly, even if they look like a session SPDU
    expect(run(dt(confirmedReq(1, 2, null)), 0, b)).toEqual({ pdus: [], anomalies: ['s7comm.unknown_protocol_id'] });
    expect(run(dr).pdus[0]).toMatchObject({ proto: 's7comm' }); // nothing known: as before
  });

  it('S7comm is still S7comm, through either object', () => {
    for (const s of s7Samples.slice(0, 6)) {
      const out: Pdu[] = [];
      decodeApp(s7comm, hex(s.hex), s.dir, s7comm.newState!(), { pdu: (p) => out.push(p), anomaly: () => {} });
      expect(out.every((p) => p.proto === 's7comm'), s.note).toBe(true);
      expect(run(hex(s.hex), s.dir).pdus.map((p) => p.proto)).toEqual(out.map((p) => p.proto));
    }
    expect(mms.bindings).toEqual([]);
  });
});

describe('malformed input becomes anomalies, never bogus PDUs', () => {
  it('the negative capture messages, one by one on one connection', () => {
    const st = mms.newState!();
    const got = malformedMessages().map((m) => run(m.data, 0, st));
    expect(got.flatMap((r) => r.pdus)).toEqual([]);
    expect(got.map((r) => r.anomalies)).toEqual([
      ['mms.bad_spdu'], ['mms.truncated'], ['mms.truncated'], ['mms.unknown_pdu'], ['mms.unknown_spdu'], ['mms.ber_too_deep'], ['mms.bad_ppdu'],
    ]);
  });

  it('bad BER: indefinite length, over-long length field, an element past its container, trailing bytes', () => {
    expect(run(dt(hex('a0 80 02 01 01 82 00 00 00'))).anomalies).toEqual(['mms.bad_ber']);
    expect(run(dt(hex('a0 85 00 00 00 00 05 02 01 01 82 00'))).anomalies).toEqual(['mms.bad_ber']);
    expect(run(dt(hex('a0 05 02 09 01 82 00'))).anomalies).toEqual(['mms.bad_ber']);
    expect(run(tpktDt(hex('a0 05 02 01 01 82 00 00'))).anomalies).toEqual(['mms.bad_ber']);
    // the right BER, the wrong MMS shape: an invoke id that is not an INTEGER
    expect(run(dt(hex('a0 05 04 01 01 82 00')))).toEqual({ pdus: [], anomalies: ['mms.bad_ber'] });
  });

  it('element count bound', () => {
    const many = Buffer.concat(Array.from({ length: 16400 }, () => hex('05 00')));
    const r = run(tpktDt(confirmedResp(1, 4, tlv(0xa1, many))), 1);
    expect(r).toEqual({ pdus: [], anomalies: ['mms.too_many_elements'] });
  });

  it('unknown services: a confirmed one is reported with the anomaly, an unconfirmed one is not', () => {
    const r = run(dt(confirmedReq(3, 90, Buffer.alloc(0))));
    expect(r.anomalies).toEqual(['mms.unknown_service']);
    expect(r.pdus[0]).toMatchObject({ kind: 'unknown_service_request', functionCode: 90, op: 'other', functionName: 'Unknown service 90' });
    expect(run(dt(tlv(0xa3, tlv(0xa5, Buffer.alloc(0)))))).toEqual({ pdus: [], anomalies: ['mms.unknown_service'] });
    expect(tlv(ctx(90, true), Buffer.alloc(0))).toEqual(hex('bf 5a 00'));
  });

  it('presentation: a connect whose user data is not a CP-type', () => {
    expect(run(tpktDt(spdu(0x0d, [193, tlv(0x30, tlv(0x02, intv(1)))]))).anomalies).toEqual(['mms.bad_ppdu']);
    expect(run(tpktDt(Buffer.concat([spdu(0x09), hex('00')]))).anomalies).toEqual(['mms.bad_spdu']);
  });

  it('every prefix of every sample: need more or an anomaly, never a PDU', () => {
    for (const s of samples) {
      const b = hex(s.hex);
      for (let n = 0; n < b.length; n++) {
        expect(mms.frame(b.subarray(0, n), s.dir), `${s.note} frame prefix ${n}`).toBe(n < 4 ? 0 : b.length);
        const r = run(b.subarray(0, n), s.dir);
        expect(r.pdus, `${s.note} prefix ${n}`).toEqual([]);
        expect(r.anomalies.length, `${s.note} prefix ${n}`).toBeGreaterThan(0);
      }
    }
  });

  it('every cut of every TSDU, in a whole TPKT/DT: never a PDU', () => {
    for (const s of samples) {
      const b = hex(s.hex);
      if (b[5] !== 0xf0) continue; // DTs only
      const user = b.subarray(7);
      for (let n = 1; n < user.length; n++) {
        const r = run(tpktDt(user.subarray(0, n)), s.dir);
        expect(r.pdus, `${s.note} cut ${n}`).toEqual([]);
        if (n > 2) expect(r.anomalies.length, `${s.note} cut ${n}`).toBeGreaterThan(0);
      }
    }
  });
});

// The generated captures through the real pipeline (test/pcapgen/mms.ts writes them).
async function ingest(name: string) {
  const { pdus, report } = await ingestCapture(name);
  const anomalies = Object.fromEntries(Object.entries(report.anomalies).filter(([k]) => /^(mms|s7comm|stream|decode)\./.test(k)));
  return { pdus: pdus.filter((p) => p.proto === 'mms' || p.proto.startsWith('s7')), anomalies, protocols: report.protocols };
}

describe('MMS generated captures through the pipeline', () => {
  it('mms/associate-browse-report.pcap: associate, identify, domains, read, write, report, release', async () => {
    const r = await ingest('mms/associate-browse-report.pcap');
    expect(r.anomalies).toEqual({});
    expect(r.pdus.map((p) => p.kind)).toEqual([
      'cotp_connect_request', 'cotp_connect_confirm', 'initiate_request', 'initiate_response', 'identify_request', 'identify_response',
      'get_name_list_request', 'get_name_list_response', 'read_request', 'read_response', 'write_request', 'write_response',
      'information_report_notify', 'conclude_request', 'conclude_response', 'release_request', 'release_response',
    ]);
    expect(r.pdus.every((p) => p.proto === 'mms')).toBe(true);
    expect(r.protocols.mms).toBe(17);
    expect(r.protocols.s7comm).toBeUndefined();
    const ids = r.pdus.filter((p) => p.identity).map((p) => ({ src: p.src, ...(p.identity as object) }));
    expect(ids).toEqual([
      { src: '10.61.0.20', vendor: IED_ID.vendor, model: IED_ID.model, firmwareVersion: IED_ID.revision },
      { src: '10.61.0.20', serial: 'DR7K-000123' },
    ]);
    expect(r.pdus[7]).toMatchObject({ domains: LDS });
    expect(r.pdus[2]).toMatchObject({ credentials: { protocol: 'MMS', passwordLength: 9 }, acse: { authentication: 'password' } });
    expect(r.pdus[10]).toMatchObject({ op: 'write', variables: [{ domain: 'DEMOIEDCTRL', item: 'CSWI1$CO$Pos$Oper' }] });
    expect(r.pdus[12]).toMatchObject({ reportId: 'DEMOIEDPROT/LLN0$BR$brcbTrips01', src: '10.61.0.20' });
  });

  it('mms/program-control-download.pcap: stop, download (segments pulled by the IED), obtainFile, refused delete, reject, start', async () => {
    const r = await ingest('mms/program-control-download.pcap');
    expect(r.anomalies).toEqual({});
    expect(r.pdus.filter((p) => p.op === 'program' || p.op === 'control').map((p) => `${p.kind}:${p.src}`)).toEqual([
      'stop_request:10.61.0.10', 'stop_response:10.61.0.20',
      'initiate_download_sequence_request:10.61.0.10', 'initiate_download_sequence_response:10.61.0.20',
      'download_segment_request:10.61.0.20', 'download_segment_response:10.61.0.10',
      'terminate_download_sequence_request:10.61.0.20', 'terminate_download_sequence_response:10.61.0.10',
      'obtain_file_request:10.61.0.10', 'obtain_file_response:10.61.0.20',
      'delete_domain_request:10.61.0.10', 'delete_domain_error:10.61.0.20',
      'start_request:10.61.0.10', 'start_response:10.61.0.20',
    ]);
    expect(r.pdus.find((p) => p.kind === 'delete_domain_error')).toMatchObject({ exception: { name: 'definition: object-undefined' } });
    expect(r.pdus.find((p) => p.kind === 'reject')).toMatchObject({ originalInvokeId: 14, reasonName: 'unrecognized-service' });
    expect(r.pdus.find((p) => p.kind === 'stop_request')).toMatchObject({ programInvocation: 'MainApplication' });
  });

  it('mms/malformed-session.pcap: anomalies only, no PDU', async () => {
    const r = await ingest('mms/malformed-session.pcap');
    expect(r.pdus).toEqual([]);
    expect(r.anomalies).toEqual({
      'mms.bad_spdu': 1, 'mms.truncated': 2, 'mms.unknown_pdu': 1, 'mms.unknown_spdu': 1, 'mms.ber_too_deep': 1, 'mms.bad_ppdu': 1,
    });
  });
});
