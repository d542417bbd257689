// OPC UA services (Part 4 §5) by the numeric id of their DefaultBinary encoding NodeId, and the parts
// of a service body worth reporting: service results and faults, OpenSecureChannel parameters (Part 4
// §5.5.2), the endpoint URLs of CreateSession (§5.6.2) and the endpoints of GetEndpoints (§5.4.4).
import type { OpClass } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import type { PduSink } from '../../decode/types.js';
import { statusName } from './codes.js';
import { responseHeader, skipLocalizedText, skipRequestHeader, skipStr, text } from './encoding.js';
import type { OpcuaState, P } from './state.js';

/**
 * Services by the numeric id of their DefaultBinary encoding NodeId (Part 6 Annex, NodeIds.csv):
 * request ids, the response is the next id of each pair (+3).
 */
const SERVICES: Array<[number, string, OpClass]> = [
  [422, 'FindServers', 'discovery'], [428, 'GetEndpoints', 'discovery'], [437, 'RegisterServer', 'discovery'],
  [12208, 'FindServersOnNetwork', 'discovery'], [12211, 'RegisterServer2', 'discovery'],
  [446, 'OpenSecureChannel', 'session'], [452, 'CloseSecureChannel', 'session'],
  [461, 'CreateSession', 'session'], [467, 'ActivateSession', 'session'], [473, 'CloseSession', 'session'], [479, 'Cancel', 'session'],
  [488, 'AddNodes', 'write'], [494, 'AddReferences', 'write'], [500, 'DeleteNodes', 'write'], [506, 'DeleteReferences', 'write'],
  [527, 'Browse', 'read'], [533, 'BrowseNext', 'read'], [554, 'TranslateBrowsePathsToNodeIds', 'read'],
  [560, 'RegisterNodes', 'read'], [566, 'UnregisterNodes', 'read'], [615, 'QueryFirst', 'read'], [621, 'QueryNext', 'read'],
  [631, 'Read', 'read'], [664, 'HistoryRead', 'read'], [673, 'Write', 'write'], [700, 'HistoryUpdate', 'write'], [712, 'Call', 'write'],
  [751, 'CreateMonitoredItems', 'read'], [763, 'ModifyMonitoredItems', 'read'], [769, 'SetMonitoringMode', 'read'],
  [775, 'SetTriggering', 'read'], [781, 'DeleteMonitoredItems', 'read'],
  [787, 'CreateSubscription', 'read'], [793, 'ModifySubscription', 'read'], [799, 'SetPublishingMode', 'read'],
  [826, 'Publish', 'read'], [832, 'Republish', 'read'], [841, 'TransferSubscriptions', 'read'], [847, 'DeleteSubscriptions', 'read'],
];
export interface Service { name: string; op: OpClass; role: 'request' | 'response' }
export const SERVICE = new Map<number, Service>();
for (const [id, name, op] of SERVICES) {
  // FindServersOnNetwork and RegisterServer2 pair with the next id, the classic services with id + 3
  const resp = id >= 12000 ? id + 1 : id + 3;
  SERVICE.set(id, { name: `${name}Request`, op, role: 'request' });
  SERVICE.set(resp, { name: `${name}Response`, op, role: 'response' });
}
const SERVICE_FAULT = 397;
SERVICE.set(SERVICE_FAULT, { name: 'ServiceFault', op: 'other', role: 'response' });

const MODES: Record<number, string> = { 1: 'None', 2: 'Sign', 3: 'SignAndEncrypt' };

/** The parts of a body worth reporting: OPN parameters, service results, session endpoint URLs. */
export function body(id: number, svc: Service, r: Reader, p: P, state: OpcuaState, out: PduSink): void {
  if (svc.role === 'response') {
    const result = responseHeader(r, out);
    if (result >= 0x80000000) p.exception = { code: result, name: statusName(result) };
    if (id === 431) getEndpointsResponse(r, p, out);
    else if (id === 449) {
      // OpenSecureChannelResponse (Part 4 §5.5.2.2): ServerProtocolVersion, SecurityToken
      r.skip(4);
      state.channelId = r.u32le();
      p.tokenId = r.u32le();
    }
    return;
  }
  skipRequestHeader(r, out);
  if (id === 446) {
    // OpenSecureChannelRequest: ClientProtocolVersion, RequestType, SecurityMode
    r.skip(4);
    const rt = r.u32le();
    p.requestType = rt === 0 ? 'Issue' : rt === 1 ? 'Renew' : rt;
    const mode = r.u32le();
    state.securityMode = mode;
    p.securityMode = MODES[mode] ?? mode;
  } else if (id === 461) {
    // CreateSessionRequest: ClientDescription (ApplicationDescription), ServerUri, EndpointUrl
    const appUri = text(r, out);
    if (appUri !== undefined) p.applicationUri = appUri;
    skipStr(r, out);                  // product uri
    skipLocalizedText(r, out);        // application name
    r.skip(4);                        // application type
    skipStr(r, out); skipStr(r, out); // gateway server uri, discovery profile uri
    const urls = r.i32le();
    for (let i = 0; i < urls; i++) skipStr(r, out);
    skipStr(r, out);                  // server uri
    const url = text(r, out);
    if (url !== undefined) p.endpointUrl = url;
  } else if (id === 428) {
    const url = text(r, out);
    if (url !== undefined) p.endpointUrl = url;
  }
}

/** Endpoints a GetEndpointsResponse lists before the rest are not reported (memory bound). */
const MAX_ENDPOINTS = 16;

/**
 * GetEndpointsResponse (Part 4 §5.4.4.2): the server's endpoints with their URL, security mode and
 * policy (EndpointDescription, Part 4 §7.14): what a client could connect with, evidence for inventory.
 */
function getEndpointsResponse(r: Reader, p: P, out: PduSink): void {
  const n = r.i32le();
  const endpoints: Array<{ endpointUrl?: string; securityMode: string | number; securityPolicy?: string }> = [];
  for (let i = 0; i < n && i < MAX_ENDPOINTS; i++) {
    const endpointUrl = text(r, out);
    // Server (ApplicationDescription): ApplicationUri, ProductUri, ApplicationName, ApplicationType,
    // GatewayServerUri, DiscoveryProfileUri, DiscoveryUrls
    const appUri = text(r, out);
    if (appUri !== undefined && p.serverApplicationUri === undefined) p.serverApplicationUri = appUri;
    skipStr(r, out);
    skipLocalizedText(r, out);
    r.skip(4);
    skipStr(r, out); skipStr(r, out);
    const urls = r.i32le();
    for (let j = 0; j < urls; j++) skipStr(r, out);
    skipStr(r, out);                 // server certificate
    const mode = r.u32le();
    const securityPolicy = text(r, out);
    const tokens = r.i32le();        // UserTokenPolicy: PolicyId, TokenType, IssuedTokenType, IssuerEndpointUrl, SecurityPolicyUri
    for (let j = 0; j < tokens; j++) { skipStr(r, out); r.skip(4); skipStr(r, out); skipStr(r, out); skipStr(r, out); }
    skipStr(r, out);                 // transport profile uri
    r.skip(1);                       // security level
    const e: (typeof endpoints)[number] = { securityMode: MODES[mode] ?? mode };
    if (endpointUrl !== undefined) e.endpointUrl = endpointUrl;
    if (securityPolicy !== undefined) e.securityPolicy = securityPolicy;
    endpoints.push(e);
  }
  p.endpoints = endpoints;
}
