/**
 * How a catalogue entry is declared (src/contract/messages.ts and its parts): the kind of each
 * parameter and the English template. Kept apart so that the catalogue's parts can declare entries
 * without importing the catalogue itself.
 */
import type { ParamKind } from './messages.js';

export interface MessageDef {
  params: Readonly<Record<string, ParamKind>>;
  en: string;
}

export const def = <P extends Record<string, ParamKind>>(params: P, en: string) => ({ params, en });
