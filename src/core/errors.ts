/**
 * Errors that services throw for bad input, so that every edge (HTTP, CLI) can answer with the
 * field and the reason: InputError -> 400 / exit 2, NotFoundError -> 404, ConflictError -> 409.
 * `text` is the same reason as a catalogued message, so that the UI can say it in its language;
 * `details` lists the several reasons behind one refusal (e.g. each thing not ready to trade).
 */
import { type Message, parseMessage } from '../contract/messages.js';

export interface ErrorText {
  text?: Message | undefined;
  details?: Message[] | undefined;
}

/**
 * The reason an error carries as a catalogued message (ours: these classes, the broker's errors,
 * Telegram's), or null for an error that has none (a foreign one, whose words are its own).
 */
export function cataloguedReason(error: unknown): Message | null {
  return parseMessage((error as { text?: unknown } | null)?.text);
}

export class InputError extends Error implements ErrorText {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly text: Message,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InputError';
  }
}

export class NotFoundError extends Error implements ErrorText {
  constructor(
    readonly what: string,
    readonly text: Message,
  ) {
    super(`${what} does not exist`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error implements ErrorText {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly text: Message,
    readonly details?: Message[],
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ConflictError';
  }
}
