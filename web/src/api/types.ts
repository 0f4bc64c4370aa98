/**
 * Response and request shapes of the HTTP API: the types of the contract's zod schemas
 * (src/contract), imported as types only so that no server code and no zod reaches the bundle.
 * A field renamed on the server fails the web type check.
 */

import type { TradingStatus } from '../../../src/contract/core';
import type { ApiErrorBody } from '../../../src/contract/errors';
import type { AuditAppendedEvent, HelloEvent, SettingsChangedEvent } from '../../../src/contract/events';

export type {
  ModelFamily,
  OrderType,
  Project,
  ProjectDetail,
  ProjectInput,
  ProjectParams,
  ProjectVersion,
  Theme,
  ThemeImportMode,
  ThemeInput,
  ThemeKind,
  ThemeMember,
  ThemeSummary,
  WeightingScheme,
} from '../../../src/contract/catalog';
export type {
  AuditBreakKind,
  AuditListResponse,
  AuditQuery,
  AuditRecord,
  AuditVerifyResponse,
  HealthResponse,
  JsonObject,
  LoginRequest,
  LoginResponse,
  SessionResponse,
  SettingGroup,
  SettingSource,
  SettingsResponse,
  SettingsUpdateRequest,
  SettingValue,
  SettingView,
  TradingBadge,
  TradingMode,
  TradingStatus,
  User,
} from '../../../src/contract/core';
export type { ApiErrorBody, ErrorCode, FieldError } from '../../../src/contract/errors';
export type { Message } from '../../../src/contract/messages';

export type ErrorBody = ApiErrorBody;

/** Server-sent events by name, with their `data` payloads. */
export interface ServerEvents {
  hello: HelloEvent;
  'settings.changed': SettingsChangedEvent;
  'audit.appended': AuditAppendedEvent;
  'trading.status': TradingStatus;
}

export type ServerEventName = keyof ServerEvents;
