// The bodies of MMS confirmed services (ISO 9506-2 §10-§19 and Annex D): the facts a sensor needs
// from each request and response, read from the service element `t` (its context tag is the service
// number). Fields not listed here are skipped by length; BER validity was checked before.
import { BerError, BerReader, berBool, berInt, berText, type Tlv } from '../../decode/ber.js';
import type { AppPdu, Identity } from '../../decode/pdu.js';
import { OBJECT_CLASS_DOMAIN, OBJECT_CLASSES } from './names.js';
import { accessResults, accessSpec, fileName, identifier, MAX_LIST, MAX_VALUES, objectName, variableList, wrappedName } from './objects.js';
import type { PendingRequest } from './state.js';

const kids = (buf: Buffer, t: Tlv): BerReader => {
  if (!t.constructed) throw new BerError('value', t.start);
  return new BerReader(buf, t.start, t.end);
};

/** Services whose request is a bare Identifier or Integer32 (an IMPLICIT primitive). */
const DOMAIN_ID = new Set([27, 29, 36, 37]);      // downloadSegment, initiateUploadSequence, deleteDomain, getDomainAttributes
const PI_ID = new Set([39, 45]);                   // deleteProgramInvocation, getProgramInvocationAttributes
const ULSM_ID = new Set([30, 31]);                 // uploadSegment, terminateUploadSequence
const FRSM_ID = new Set([73, 74]);                 // fileRead, fileClose
/** start, stop, resume, reset, kill: SEQUENCE { programInvocationName [0] IMPLICIT Identifier, ... } */
const PI_CONTROL = new Set([40, 41, 42, 43, 44]);

/** ObjectClass ::= CHOICE { basicObjectClass [0] IMPLICIT INTEGER, csObjectClass [1] IMPLICIT INTEGER }, inside an explicit tag. */
function objectClass(buf: Buffer, t: Tlv, p: AppPdu): void {
  const c = kids(buf, t).next();
  const n = berInt(buf, c);
  if (c.id === 0x80) {
    p.objectClass = n;
    p.objectClassName = OBJECT_CLASSES[n] ?? `class ${n}`;
  } else p.csObjectClass = n;
}

/** Fields of a confirmed request (service number `svc`); returns what its answer needs to know. */
export function requestFields(svc: number, buf: Buffer, t: Tlv, p: AppPdu): PendingRequest {
  const pending: PendingRequest = { service: svc };
  if (DOMAIN_ID.has(svc)) p.domain = identifier(buf, t);
  else if (PI_ID.has(svc)) p.programInvocation = identifier(buf, t);
  else if (ULSM_ID.has(svc)) p.ulsmId = berInt(buf, t);
  else if (FRSM_ID.has(svc)) p.frsmId = berInt(buf, t);
  else if (svc === 76) p.fileName = fileName(buf, t); // fileDelete: the FileName itself
  else if (svc === 0) p.extendedDerivation = berBool(buf, t);
  else if (PI_CONTROL.has(svc)) {
    const r = kids(buf, t);
    while (r.more) {
      const e = r.next();
      if (e.id === 0x80) p.programInvocation = identifier(buf, e);
      else if (e.id === 0x81) p.executionArgument = berText(buf, e, 256); // simpleString
    }
  } else if (svc === 5) { // write: SEQUENCE { variableAccessSpecification, listOfData [0] }
    const r = kids(buf, t);
    Object.assign(p, accessSpec(buf, r.next()));
    const data = r.more ? r.next() : undefined;
    if (!data || data.id !== 0xa0) throw new BerError('value', t.start);
    let n = 0;
    for (const d = new BerReader(buf, data.start, data.end); d.more; d.next()) n++;
    p.valueCount = n;
  } else if (svc === 11) { // defineNamedVariableList: SEQUENCE { variableListName ObjectName, listOfVariable [0] }
    const r = kids(buf, t);
    p.variableListName = objectName(buf, r.next());
    if (r.more) {
      const l = variableList(buf, r.next());
      p.variables = l.variables;
      p.variableCount = l.count;
    }
  } else if (svc === 6 || svc === 12 || svc === 15) { // CHOICE { name [0] ObjectName, address [1] } / ObjectName
    const c = kids(buf, t).next();
    if (svc === 6) { if (c.id === 0xa0) p.name = wrappedName(buf, c); else p.address = true; }
    else if (svc === 12) p.variableListName = objectName(buf, c);
    else p.typeName = objectName(buf, c);
  } else if (svc === 7 || svc === 14) { // defineNamedVariable / defineNamedType: the name comes first
    const c = kids(buf, t).next();
    if (svc === 7) p.name = objectName(buf, c); else p.typeName = objectName(buf, c);
  } else if (t.constructed) {
    const r = new BerReader(buf, t.start, t.end);
    while (r.more) sequenceField(svc, buf, r.next(), p, pending);
  }
  return pending;
}

/** One field of a request SEQUENCE, by service and field tag. */
function sequenceField(svc: number, buf: Buffer, e: Tlv, p: AppPdu, pending: PendingRequest): void {
  switch (svc) {
    case 1: // getNameList { objectClass [0], objectScope [1] CHOICE { vmd [0], domain [1], aa [2] }, continueAfter [2] }
      if (e.id === 0xa0) {
        objectClass(buf, e, p);
        if (typeof p.objectClass === 'number') pending.objectClass = p.objectClass;
      } else if (e.id === 0xa1) {
        const s = kids(buf, e).next();
        p.objectScope = s.tag === 0 ? 'vmd' : s.tag === 1 ? 'domain' : s.tag === 2 ? 'aa' : `scope ${s.tag}`;
        if (s.tag === 1) p.domain = identifier(buf, s);
      } else if (e.id === 0x82) p.continueAfter = identifier(buf, e);
      return;
    case 3: // rename { objectClass [0], currentName [1] ObjectName, newIdentifier [2] }
      if (e.id === 0xa0) objectClass(buf, e, p);
      else if (e.id === 0xa1) p.name = wrappedName(buf, e);
      else if (e.id === 0x82) p.newIdentifier = identifier(buf, e);
      return;
    case 4: // read { specificationWithResult [0] BOOLEAN DEFAULT FALSE, variableAccessSpecification [1] }
      if (e.id === 0xa1) {
        const spec = accessSpec(buf, kids(buf, e).next());
        Object.assign(p, spec);
        if (spec.variables) pending.items = spec.variables.slice(0, MAX_VALUES).map((v) => v.item);
      }
      else if (e.id === 0x80) p.specificationWithResult = berBool(buf, e);
      return;
    case 10: case 13: case 16: // delete...: { scopeOfDelete [0], listOf...Name [1] SEQUENCE OF ObjectName, domainName [2] }
      if (e.id === 0x80) p.scopeOfDelete = ['specific', 'aa-specific', 'domain', 'vmd'][berInt(buf, e)] ?? berInt(buf, e);
      else if (e.id === 0xa1) {
        const names = [];
        for (const r = kids(buf, e); r.more && names.length < MAX_LIST;) names.push(objectName(buf, r.next()));
        p.names = names;
      } else if (e.id === 0x82) p.domain = identifier(buf, e);
      return;
    case 26: case 28: case 32: case 33: case 34: case 35: // domain management: domainName [0], file names
      if (e.id === 0x80) p.domain = identifier(buf, e);
      else if ((e.id === 0xa4 && (svc === 32 || svc === 34)) || (e.id === 0xa1 && (svc === 33 || svc === 35))) p.fileName = fileName(buf, e);
      else if (e.id === 0xa1 && svc === 28) p.discard = true; // terminateDownloadSequence discard [1] ServiceError
      else if (e.id === 0x82 && svc !== 33 && svc !== 35) p.sharable = berBool(buf, e);
      return;
    case 38: // createProgramInvocation { programInvocationName [0], listOfDomainName [1], reusable [2], monitorType [3] }
      if (e.id === 0x80) p.programInvocation = identifier(buf, e);
      else if (e.id === 0xa1) {
        const doms: string[] = [];
        for (const r = kids(buf, e); r.more && doms.length < MAX_LIST;) doms.push(identifier(buf, r.next()));
        p.domains = doms;
      }
      return;
    case 46: // obtainFile { sourceFileServer [0], sourceFile [1], destinationFile [2] }
      if (e.id === 0xa1) p.sourceFile = fileName(buf, e);
      else if (e.id === 0xa2) p.destinationFile = fileName(buf, e);
      return;
    case 72: // fileOpen { fileName [0], initialPosition [1] }
      if (e.id === 0xa0) p.fileName = fileName(buf, e);
      else if (e.id === 0x81) p.initialPosition = berInt(buf, e);
      return;
    case 75: // fileRename { currentFileName [0], newFileName [1] }
      if (e.id === 0xa0) p.fileName = fileName(buf, e);
      else if (e.id === 0xa1) p.newFileName = fileName(buf, e);
      return;
    case 77: // fileDirectory { fileSpecification [0], continueAfter [1] }
      if (e.id === 0xa0) p.fileName = fileName(buf, e);
      else if (e.id === 0xa1) p.continueAfter = fileName(buf, e);
      return;
    default:
      return;
  }
}

/**
 * IEC 61850-7-4 nameplates read one attribute at a time: NamPlt (LPL: vendor, swRev) of a logical
 * node and PhyNam (DPL: vendor, hwRev, swRev, serNum, model) of LPHD, as items "...$DC$NamPlt$vendor".
 * A visible-string [10] or MMSString [16] answer to such an item is identity evidence.
 */
const NAMEPLATE = /\$DC\$(?:NamPlt|PhyNam)\$(vendor|swRev|hwRev|serNum|model)$/;
const NAMEPLATE_FIELD: Record<string, keyof Identity> = { vendor: 'vendor', swRev: 'firmwareVersion', hwRev: 'hardwareVersion', serNum: 'serial', model: 'model' };

function nameplate(buf: Buffer, items: string[], values: Tlv[], p: AppPdu): void {
  let id: Identity | undefined;
  items.forEach((item, i) => {
    const m = NAMEPLATE.exec(item);
    const v = values[i];
    if (!m || !v || (v.id !== 0x8a && v.id !== 0x90)) return;
    const text = berText(buf, v, 128).trim();
    if (text) (id ??= {})[NAMEPLATE_FIELD[m[1]!]!] = text as never;
  });
  if (id) p.identity = id;
}

const LOGICAL_STATUS = ['state-changes-allowed', 'no-state-changes-allowed', 'limited-services-permitted', 'support-services-allowed'];
const PHYSICAL_STATUS = ['operational', 'partially-operational', 'inoperable', 'needs-commissioning'];

/** Fields of a confirmed response; `req` is the request it answers, when it was seen. */
export function responseFields(svc: number, buf: Buffer, t: Tlv, p: AppPdu, req: PendingRequest | undefined): void {
  if (!t.constructed) return; // the NULL answers (write-style services without results)
  const r = new BerReader(buf, t.start, t.end);
  switch (svc) {
    case 0: // status { vmdLogicalStatus [0], vmdPhysicalStatus [1], localDetail [2] }
      while (r.more) {
        const e = r.next();
        if (e.id === 0x80) p.vmdLogicalStatus = LOGICAL_STATUS[berInt(buf, e)] ?? berInt(buf, e);
        else if (e.id === 0x81) p.vmdPhysicalStatus = PHYSICAL_STATUS[berInt(buf, e)] ?? berInt(buf, e);
      }
      return;
    case 1: { // getNameList { listOfIdentifier [0], moreFollows [1] BOOLEAN DEFAULT TRUE }
      const names: string[] = [];
      let count = 0;
      let more = true;
      while (r.more) {
        const e = r.next();
        if (e.id === 0xa0) {
          for (const l = kids(buf, e); l.more; count++) {
            const n = l.next();
            if (names.length < MAX_LIST) names.push(identifier(buf, n));
          }
        } else if (e.id === 0x81) more = berBool(buf, e);
      }
      p.names = names;
      p.nameCount = count;
      p.moreFollows = more;
      if (req?.objectClass !== undefined) {
        p.objectClass = req.objectClass;
        p.objectClassName = OBJECT_CLASSES[req.objectClass] ?? `class ${req.objectClass}`;
        // IEC 61850-8-1 §9: the domains of an IED are its logical devices
        if (req.objectClass === OBJECT_CLASS_DOMAIN) p.domains = names;
      }
      return;
    }
    case 2: { // identify { vendorName [0], modelName [1], revision [2], listOfAbstractSyntaxes [3] }
      const id: Identity = {};
      while (r.more) {
        const e = r.next();
        if (e.id === 0x80) id.vendor = identifier(buf, e);
        else if (e.id === 0x81) id.model = identifier(buf, e);
        else if (e.id === 0x82) id.firmwareVersion = identifier(buf, e);
      }
      p.vendorName = id.vendor;
      p.modelName = id.model;
      p.revision = id.firmwareVersion;
      p.identity = id;
      return;
    }
    case 4: // read { variableAccessSpecification [0] OPTIONAL, listOfAccessResult [1] }
      while (r.more) {
        const e = r.next();
        if (e.id === 0xa0) Object.assign(p, accessSpec(buf, kids(buf, e).next()));
        else if (e.id === 0xa1) {
          const { results, accessErrors, values } = accessResults(buf, e);
          p.results = results;
          if (accessErrors) p.accessErrors = accessErrors;
          if (req?.items) nameplate(buf, req.items, values, p);
        }
      }
      return;
    case 5: { // write: SEQUENCE OF CHOICE { failure [0] DataAccessError, success [1] NULL }
      const { results, accessErrors } = accessResults(buf, t);
      p.results = results;
      if (accessErrors) p.accessErrors = accessErrors;
      return;
    }
    case 6: // getVariableAccessAttributes { mmsDeletable [0], address [1], typeSpecification [2] }
    case 12: // getNamedVariableListAttributes { mmsDeletable [0], listOfVariable [1] }
      while (r.more) {
        const e = r.next();
        if (e.id === 0x80) p.deletable = berBool(buf, e);
        else if (e.id === 0xa1 && svc === 12) {
          const l = variableList(buf, e);
          p.variables = l.variables;
          p.variableCount = l.count;
        }
      }
      return;
    case 13: // deleteNamedVariableList { numberMatched [0], numberDeleted [1] }
      while (r.more) {
        const e = r.next();
        if (e.id === 0x80) p.numberMatched = berInt(buf, e);
        else if (e.id === 0x81) p.numberDeleted = berInt(buf, e);
      }
      return;
    case 27: case 30: case 73: { // downloadSegment / uploadSegment / fileRead { data [0], moreFollows [1] DEFAULT TRUE }
      let more = true;
      while (r.more) {
        const e = r.next();
        if (e.id === 0x80 || e.id === 0x28) p.dataLength = e.end - e.start;
        else if (e.id === 0x81) more = berBool(buf, e);
      }
      p.moreFollows = more;
      return;
    }
    case 29: case 72: { // initiateUploadSequence { ulsmID [0], ... } / fileOpen { frsmID [0], fileAttributes [1] }
      const e = r.next();
      if (e.id === 0x80) p[svc === 29 ? 'ulsmId' : 'frsmId'] = berInt(buf, e);
      return;
    }
    case 77: { // fileDirectory { listOfDirectoryEntry [0] SEQUENCE OF { fileName [0], fileAttributes [1] }, moreFollows [1] DEFAULT FALSE }
      const files: string[] = [];
      let more = false;
      while (r.more) {
        const e = r.next();
        if (e.id === 0xa0) {
          for (const l = kids(buf, e); l.more && files.length < MAX_LIST;) {
            const entry = kids(buf, l.next()).next();
            if (entry.id === 0xa0) files.push(fileName(buf, entry));
          }
        } else if (e.id === 0x81) more = berBool(buf, e);
      }
      p.files = files;
      p.moreFollows = more;
      return;
    }
    default:
      return;
  }
}
