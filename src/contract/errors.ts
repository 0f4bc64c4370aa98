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
  'BROKER_UNAVAILABLE',
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

/** An error answer declared by media type, so that the document can say per status what it means. */
const errorAnswer = (description: string) =>
  ({ description, content: { 'application/json': { schema: ApiErrorBody } } }) as const;

/** The error answers every API route may give besides its own (declared on each by the server). */
export const ERROR_RESPONSES = {
  400: errorAnswer(
    'the request is invalid (VALIDATION_FAILED): error.fields names each field and the reason',
  ),
  401: errorAnswer('not signed in (UNAUTHENTICATED)'),
  403: errorAnswer('missing or wrong CSRF token (CSRF_FAILED), or not allowed (FORBIDDEN)'),
  404: errorAnswer('no such resource (NOT_FOUND)'),
  409: errorAnswer('conflicts with the current state (CONFLICT)'),
  421: errorAnswer('the Host header is not one this server answers to (HOST_NOT_ALLOWED)'),
  429: errorAnswer('too many requests (RATE_LIMITED); Retry-After says when to try again'),
  500: errorAnswer('an internal error (INTERNAL)'),
  503: errorAnswer(
    'a part the route needs is not running, e.g. the IB runtime (INTERNAL), or IB is not connected (BROKER_UNAVAILABLE: error.text says why)',
  ),
} as const;
