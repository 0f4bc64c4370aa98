/**
 * Payloads of the core events on the one event stream (`/api/events`); the IB, research, account and
 * risk areas declare theirs beside their other schemas. Pure zod, shared with the web app.
 */
import { z } from 'zod';

/** First event of every stream: the server's clock, so the page can tell its own clock's offset. */
export const HelloEvent = z.object({ serverTime: z.string() });
export type HelloEvent = z.infer<typeof HelloEvent>;

export const SettingsChangedEvent = z.object({ keys: z.array(z.string()) });
export type SettingsChangedEvent = z.infer<typeof SettingsChangedEvent>;

export const AuditAppendedEvent = z.object({ id: z.number(), action: z.string() });
export type AuditAppendedEvent = z.infer<typeof AuditAppendedEvent>;
