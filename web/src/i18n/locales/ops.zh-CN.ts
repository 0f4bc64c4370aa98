import { DOCTOR_TEXTS } from '../../../../src/contract/ops-texts';

/** The doctor panel (Simplified Chinese); the check and code texts are shared with `ibloop doctor`. */
export const opsZhCN = {
  doctor: {
    title: '系统诊断',
    intro: '检查网关、数据库、磁盘空间和备份，逐项说明问题与处理方法（与 ibloop doctor 相同）。',
    run: '运行诊断',
    rerun: '重新诊断',
    notRun: '尚未运行。诊断会连接网关并询问几项信息，不会下单。',
    checkedAt: '诊断时间 {{time}}',
    overall: '总体结果',
    fix: '处理：',
    failed: '诊断未完成：{{message}}',
    columns: { check: '检查项', status: '结果', detail: '说明' },
  },
  checks: DOCTOR_TEXTS['zh-CN'].checks,
  status: DOCTOR_TEXTS['zh-CN'].status,
  codes: DOCTOR_TEXTS['zh-CN'].codes,
};
