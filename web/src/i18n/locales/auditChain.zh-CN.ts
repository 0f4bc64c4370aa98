/** The audit page's chain verification banner (Simplified Chinese). */
export const auditChainZhCN = {
  kinds: {
    key: '审计密钥不符',
    edited: '记录被修改',
    rewritten: '链被重写',
    missing: '记录缺失',
    truncated: '末尾被截断',
  },
  details: {
    key: '配置的审计密钥（IBLOOP_AUDIT_KEY 或 DATA_ROOT/audit.key）不是写入这条链的密钥，无法校验记录 #{{id}} 及以后的记录。',
    edited: '记录 #{{id}} 的内容与其哈希不符（内容被改，哈希未动）。',
    rewritten: '从记录 #{{id}} 起哈希被不用密钥重新计算过（内容被改后伪造了哈希）。',
    missing: '记录 #{{id}} 已不在数据库中。',
    truncated: '日志在记录 #{{id}} 处被截断：数据库或检查点文件记录过更靠后的记录。',
  },
  brokenTitle: '链校验失败：{{kind}}',
  checked: '此前 {{checked}} 条记录完好。',
  anchor: '检查点文件中有 {{count}} 个检查点。',
  noAnchor: '未配置检查点文件。',
  technical: '详情：{{reason}}',
};
