import { gunzipSync } from 'node:zlib';
import { type Message, msg } from '../contract/messages.js';
import { InputError } from '../core/errors.js';
import { type AlphaBars, AlphaCsvError, parseAlphaCsv, symbolFromFileName } from '../sources/alpha/index.js';
import { type ImportFileInput, MAX_IMPORT_BYTES } from './schemas.js';

const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9.\-^]{0,19}$/;
const CSV_NAME = /\.csv(\.gz)?$/i;

export interface LineError {
  /** 1-based line in the file (the header is line 1); 0 for problems with the file as a whole. */
  line: number;
  message: string;
  /** The problem as a catalogued message, for the UI's language (problems of a known kind). */
  text?: Message;
}

export interface RejectedUpload {
  name: string;
  errors: LineError[];
}

export interface ParsedUpload {
  name: string;
  bars: AlphaBars;
}

/**
 * Decodes and validates uploaded files whole before anything is stored: each file either parses
 * completely or is rejected with its line errors. The total decoded size is capped (gzip included,
 * so a small compressed upload cannot expand without bound).
 */
export function parseUploads(files: readonly ImportFileInput[]): {
  parsed: ParsedUpload[];
  rejected: RejectedUpload[];
} {
  const parsed: ParsedUpload[] = [];
  const rejected: RejectedUpload[] = [];
  const seen = new Set<string>();
  let budget = MAX_IMPORT_BYTES;
  for (const [index, file] of files.entries()) {
    const outcome = parseOne(file, index, seen, budget);
    if ('bars' in outcome) {
      budget -= outcome.bytes;
      parsed.push({ name: file.name, bars: outcome.bars });
    } else {
      rejected.push({ name: file.name, errors: outcome.errors });
    }
  }
  return { parsed, rejected };
}

function parseOne(
  file: ImportFileInput,
  index: number,
  seen: Set<string>,
  budget: number,
): { bars: AlphaBars; bytes: number } | { errors: LineError[] } {
  const fail = (message: string) => ({ errors: [{ line: 0, message }] });
  if (!CSV_NAME.test(file.name)) return fail('file name must end in .csv or .csv.gz');
  const symbol = symbolFromFileName(file.name);
  if (!SYMBOL_PATTERN.test(symbol)) return fail(`file name does not give a valid symbol ("${symbol}")`);
  if (seen.has(symbol)) return fail(`symbol ${symbol} appears in more than one file of this import`);
  seen.add(symbol);
  let text: string;
  try {
    text = decode(file, budget);
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(`files.${index}.${error.field}`, error.reason, error.text);
    return fail(error instanceof Error ? error.message : String(error));
  }
  try {
    return { bars: parseAlphaCsv(text, file.name, symbol), bytes: Buffer.byteLength(text) };
  } catch (error) {
    if (error instanceof AlphaCsvError) {
      return {
        errors: error.issues.map((issue) => ({ line: issue.line, message: issue.message, text: issue.text })),
      };
    }
    return fail(error instanceof Error ? error.message : String(error));
  }
}

function decode(file: ImportFileInput, budget: number): string {
  if (file.content !== undefined) {
    if (Buffer.byteLength(file.content) > budget) throw tooLarge('content');
    return file.content;
  }
  const raw = Buffer.from(file.contentBase64 ?? '', 'base64');
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw, { maxOutputLength: Math.max(1, budget) }).toString('utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('contentBase64');
      throw new Error('not a readable gzip file');
    }
  }
  if (raw.length > budget) throw tooLarge('contentBase64');
  return raw.toString('utf8');
}

function tooLarge(field: string): InputError {
  return new InputError(
    field,
    `the files of one import may hold at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB of text`,
    msg('IMPORT_TOO_LARGE', { megabytes: MAX_IMPORT_BYTES / 1024 / 1024 }),
  );
}
