import { englishText, type Message, parseMessage } from '../contract/messages.js';

/** What a job says: a catalogued message (rendered in the UI's language) or plain, language-neutral text. */
export type JobText = string | Message;

/**
 * The `message` column holds either plain text (rows written before the catalogue, and neutral
 * notes such as "MSFT 2024-01-02..2024-01-05 (3/10)") or a catalogued message as JSON.
 */
export function storedText(text: JobText): string {
  return typeof text === 'string' ? text : JSON.stringify(text);
}

/** The column read back: the English sentence for logs and the CLI, and the message when catalogued. */
export function readText(stored: string): { message: string; text: Message | null } {
  if (!stored.startsWith('{')) return { message: stored, text: null };
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return { message: stored, text: null };
  }
  const text = parseMessage(value);
  return text === null ? { message: stored, text: null } : { message: englishText(text), text };
}

/** Both forms of a text, for what is built in memory (events) rather than read back. */
export function bothForms(text: JobText): { message: string; text: Message | null } {
  return typeof text === 'string' ? { message: text, text: null } : { message: englishText(text), text };
}
