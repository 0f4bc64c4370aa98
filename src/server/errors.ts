import type { FastifyReply } from 'fastify';

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
  | 'INTERNAL';

export interface FieldError {
  field: string;
  message: string;
}

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; fields?: FieldError[] };
}

export function errorBody(code: ErrorCode, message: string, fields?: FieldError[]): ApiErrorBody {
  return { error: { code, message, ...(fields ? { fields } : {}) } };
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  fields?: FieldError[],
) {
  return reply.code(status).send(errorBody(code, message, fields));
}
