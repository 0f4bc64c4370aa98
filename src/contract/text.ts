/**
 * Answers that are not JSON: declared by media type so that the OpenAPI document says what comes
 * back (a CSV file, Prometheus text, a server-sent event stream, nothing). Pure zod.
 */
import { z } from 'zod';

/** `text/csv` file (with content-disposition: attachment). */
export const CsvText = {
  description: 'a CSV file (header line first), sent as an attachment',
  content: { 'text/csv': { schema: z.string() } },
} as const;

/** Prometheus text exposition format. */
export const MetricsText = {
  description: 'metrics in the Prometheus text exposition format',
  content: { 'text/plain': { schema: z.string() } },
} as const;

/**
 * Server-sent events: `event: <name>` / `data: <json>` frames and a comment heartbeat every 15 s;
 * the events and their payloads are listed in docs/api.md ("Server-sent events").
 */
export const EventStream = {
  description: 'server-sent events (`event: <name>` / `data: <json>`), open until the session ends',
  content: { 'text/event-stream': { schema: z.string() } },
} as const;

/** 204: the request succeeded and there is nothing to say. */
export const NoContent = z.null().describe('no content');
