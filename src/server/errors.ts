import type { FastifyReply } from 'fastify';
import { englishText, type Message } from '../contract/messages.js';
import type { ErrorText } from '../core/errors.js';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_CREDENTIALS'
  | 'UNAUTHENTICATED'
  | 'CSRF_FAILED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'HOST_NOT_ALLOWED'
  | 'BROKER_UNAVAILABLE'
  | 'INTERNAL';

export interface FieldError {
  field: string;
  message: string;
  /** The message as a catalogued code the UI renders in its language. */
  text?: Message;
}

/**
 * `message` is English for logs and API users; `text` says the same as a catalogued message (code +
 * params, src/contract/messages.ts) that the UI renders in its language, and `details` the several
 * reasons behind it when there are more than one.
 */
export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields?: FieldError[];
    text?: Message;
    details?: Message[];
  };
}

export function errorBody(
  code: ErrorCode,
  message: string,
  fields?: FieldError[],
  said: ErrorText = {},
): ApiErrorBody {
  return {
    error: {
      code,
      message,
      ...(fields ? { fields } : {}),
      ...(said.text ? { text: said.text } : {}),
      ...(said.details && said.details.length > 0 ? { details: said.details } : {}),
    },
  };
}

/**
 * Answers a refusal the edge decides itself. The catalogued text is required, so that no answer can
 * be English only; the English `message` is derived from it.
 */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  text: Message,
  fields?: FieldError[],
) {
  return reply.code(status).send(errorBody(code, englishText(text), fields, { text }));
}

/**
 * A refusal thrown where no reply is at hand (a plugin's error builder, e.g. the login rate limit),
 * answered by the error handler with its status, code and text.
 */
export class EdgeRefusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    readonly text: Message,
  ) {
    super(englishText(text));
    this.name = 'EdgeRefusal';
  }
}
