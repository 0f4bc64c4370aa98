/** The doctor's report as text for a terminal, in English or Simplified Chinese. */
import type { DoctorCheck, DoctorReport } from '../../contract/ops.js';
import { DOCTOR_TEXTS } from '../../contract/ops-texts.js';

export type DoctorLanguage = keyof typeof DOCTOR_TEXTS;

function fill(template: string, params: DoctorCheck['params']): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = params[name];
    return value === undefined || value === null ? '—' : String(value);
  });
}

/** What one check found, and the fix when it did not pass. */
export function explainCheck(
  check: DoctorCheck,
  language: DoctorLanguage,
): { text: string; fix: string | null } {
  const code = DOCTOR_TEXTS[language].codes[check.code];
  return {
    text: fill(code.text, check.params),
    fix:
      code.fix && (check.status === 'warn' || check.status === 'fail') ? fill(code.fix, check.params) : null,
  };
}

export function formatDoctorReport(report: DoctorReport, language: DoctorLanguage): string {
  const texts = DOCTOR_TEXTS[language];
  const lines: string[] = [];
  for (const check of report.checks) {
    const { text, fix } = explainCheck(check, language);
    const mark = language === 'en' ? texts.status[check.status].padEnd(4) : texts.status[check.status];
    lines.push(`[${mark}] ${texts.checks[check.id]}: ${text}`);
    if (fix) lines.push(`       ${language === 'zh-CN' ? '处理' : 'Fix'}: ${fix}`);
  }
  lines.push('');
  lines.push(`${language === 'zh-CN' ? '总体' : 'Overall'}: ${texts.status[report.overall]}`);
  return lines.join('\n');
}
