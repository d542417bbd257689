// THE list of detection rules (issue 6). Each is a factory: every ingest gets fresh rule state.
import type { Rule } from '../rule.js';
import { credentialsRule } from './credentials.js';
import { healthRule } from './health.js';
import { malwareRule } from './malware.js';
import { operationsRule } from './operations.js';
import { policyRule } from './policy.js';
import { protocolViolationsRule } from './protocol-violations.js';
import { scansRule } from './scans.js';

export function defaultRules(): Rule[] {
  return [operationsRule(), protocolViolationsRule(), policyRule(), scansRule(), malwareRule(), credentialsRule(), healthRule()];
}
