import type { Resources } from './zh-CN';

/** The audit page's chain verification banner (English); same keys as `auditChain.zh-CN.ts`. */
export const auditChainEn: Resources['auditChain'] = {
  kinds: {
    key: 'Audit key mismatch',
    edited: 'Record edited',
    rewritten: 'Chain rewritten',
    missing: 'Record missing',
    truncated: 'Tail cut off',
  },
  details: {
    key: 'The configured audit key (IBLOOP_AUDIT_KEY or DATA_ROOT/audit.key) is not the key this chain was written with; records from #{{id}} on cannot be verified.',
    edited: 'The content of record #{{id}} no longer matches its hash (content changed, hash left).',
    rewritten:
      'Hashes from record #{{id}} on were recomputed without the key (content changed and hashes forged).',
    missing: 'Record #{{id}} is no longer in the database.',
    truncated:
      'The log was cut off at record #{{id}}: the database or the checkpoint file knew of later records.',
  },
  brokenTitle: 'Chain broken: {{kind}}',
  checked: '{{checked}} records before it are intact.',
  anchor: '{{count}} checkpoints in the checkpoint file.',
  noAnchor: 'No checkpoint file is configured.',
  technical: 'Detail: {{reason}}',
};
