/**
 * The error body every route answers with on 4xx/5xx: a stable code, an English message for logs and
 * API users, the fields at fault, and the same said as catalogued messages the UI renders in its
 * language. Pure zod, shared with the web app.
 */
import { z } from 'zod';
import { type Message, messageSchema } from './messages.js';

/** The catalogue's schema checks the parameters; its type is the precise union of messages. */
const message = messageSchema as unknown as z.ZodType<Message>;

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_CREDENTIALS',
  'UNAUTHENTICATED',
  'CSRF_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'HOST_NOT_ALLOWED',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldError = z.object({
  field: z.string(),
  message: z.string(),
  text: message.optional(),
});
export type FieldError = z.infer<typeof FieldError>;

export const ApiErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    fields: z.array(FieldError).optional(),
    text: message.optional(),
    details: z.array(message).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** The error answers every private route may give besides its own. */
export const COMMON_ERRORS = {
  400: ApiErrorBody.describe('the request is invalid: error.fields names each field and the reason'),
  401: ApiErrorBody.describe('not signed in (UNAUTHENTICATED)'),
  403: ApiErrorBody.describe('missing or wrong CSRF token, or not allowed'),
  404: ApiErrorBody.describe('no such resource'),
  409: ApiErrorBody.describe('conflicts with the current state'),
  500: ApiErrorBody.describe('an internal error'),
} as const;
