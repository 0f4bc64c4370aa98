import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * Fastify writes two info lines per request; an open page polls and streams, so they buried the
 * lines that matter (about 1,000 in ten idle minutes). Requests are logged once, when answered, at
 * debug (LOG_LEVEL=debug shows them); failed requests keep Fastify's error line. The path is logged
 * without its query string.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error) {
      super.requestCompleted(error, request, reply, metadata);
      return;
    }
    request.log.debug(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  }
}
