import { ApiError } from '../api';
import { renderMessage } from '../i18n/messages';

/**
 * A caught failure kept in state. Pages keep what was thrown, not its text, so the text follows a
 * later language switch; the wrapper tells "no failure" (`null`) from a thrown `undefined`.
 */
export interface Failure {
  readonly reason: unknown;
}

/**
 * What a failed request threw, fit to show to the user: the server's catalogued reason (and the
 * reasons behind it) in the UI language when it sent one, else the error's own message.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const said = [
      ...(error.text ? [renderMessage(error.text)] : []),
      ...error.details.map(renderMessage),
      ...error.fields.flatMap((field) => (field.text ? [renderMessage(field.text)] : [])),
    ];
    // A field's text repeats the error's own when the error names one field.
    const unique = [...new Set(said)];
    if (unique.length > 0) return unique.join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
