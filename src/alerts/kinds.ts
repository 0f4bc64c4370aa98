/**
 * The alert kinds: default severity, suppression window and what a kind resolves. Their parameters
 * and texts in both languages live in the contract (src/contract/alert-texts.ts), which the web app
 * shares to show each alert in the UI language.
 */
import {
  ALERT_LANGUAGES,
  type AlertKind,
  type AlertLanguage,
  type AlertParamsByKind,
  alertText,
} from '../contract/alert-texts.js';
import { enumText } from '../contract/enum-texts.js';
import { messageText } from '../contract/message-text.js';
import type { EnumName, Message } from '../contract/messages.js';

export { ALERT_LANGUAGES, type AlertKind, type AlertLanguage, type AlertParamsByKind };

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

interface KindDef {
  severity: AlertSeverity;
  /**
   * Seconds during which the same kind and dedupe key only counts an occurrence instead of sending
   * again. null: the alert stays open until a recovery kind resolves it.
   */
  suppressSeconds: number | null;
  /** Kinds whose open alerts this kind closes (the recovery of a stateful alert). */
  resolves?: readonly AlertKind[];
}

export const ALERT_KINDS: Record<AlertKind, KindDef> = {
  'ib.disconnected': {
    severity: 'critical',
    suppressSeconds: null,
  },
  'ib.reconnected': {
    severity: 'critical',
    suppressSeconds: 0,
    resolves: ['ib.disconnected', 'gateway.login-needed'],
  },
  'order.rejected': {
    severity: 'critical',
    suppressSeconds: 600,
  },
  'order.failed': {
    severity: 'critical',
    suppressSeconds: 600,
  },
  'risk.warning': {
    severity: 'warning',
    suppressSeconds: 3600,
  },
  'risk.triggered': {
    severity: 'critical',
    suppressSeconds: 600,
  },
  'trading.halted': {
    severity: 'critical',
    suppressSeconds: null,
  },
  'trading.resumed': {
    severity: 'critical',
    suppressSeconds: 0,
    resolves: ['trading.halted'],
  },
  'run.started': {
    severity: 'info',
    suppressSeconds: 0,
  },
  'run.completed': {
    severity: 'info',
    suppressSeconds: 0,
  },
  'run.failed': {
    severity: 'critical',
    suppressSeconds: 0,
  },
  'run.missed': {
    severity: 'critical',
    suppressSeconds: 3600,
  },
  'fallback.used': {
    severity: 'warning',
    suppressSeconds: 3600,
  },
  'reconcile.differences': {
    severity: 'warning',
    suppressSeconds: 3600,
  },
  'gateway.login-needed': {
    severity: 'critical',
    suppressSeconds: null,
  },
  'daily.summary': {
    severity: 'info',
    suppressSeconds: 0,
  },
  'test.message': {
    severity: 'info',
    suppressSeconds: 0,
  },
};

export const ALERT_KIND_NAMES = Object.keys(ALERT_KINDS) as AlertKind[];

export function isAlertKind(value: string): value is AlertKind {
  return Object.hasOwn(ALERT_KINDS, value);
}

const SEVERITY_MARK: Record<AlertSeverity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

/** The text as sent to a channel: severity mark and the kind's text in the alert language. */
export function renderAlert<K extends AlertKind>(
  kind: K,
  severity: AlertSeverity,
  params: AlertParamsByKind[K],
  language: AlertLanguage,
): string {
  // Catalogued messages (a run's failure, a fallback's reason) in the alert language, from the
  // catalogue's texts the web app shares. Enum values inside texts (a side, a finding's mode or sector)
  // are named in Chinese; English keeps the values as they are (BUY, paper, Energy), as its catalogue does.
  const message = (text: Message) => messageText(text, language);
  const helpers =
    language === 'en'
      ? { message }
      : { message, enumValue: (name: EnumName, value: string) => enumText(language, name, value) };
  return `${SEVERITY_MARK[severity]} ${alertText(kind, params, language, helpers)}`;
}

export function kindDefaults(kind: AlertKind): {
  severity: AlertSeverity;
  suppressSeconds: number | null;
  resolves: readonly AlertKind[];
} {
  const def = ALERT_KINDS[kind];
  return { severity: def.severity, suppressSeconds: def.suppressSeconds, resolves: def.resolves ?? [] };
}
