import { type EnumValue, type Message, msg } from '../../contract/messages.js';
import { type AlphaBars, allocateColumns, BAR_COLUMNS, makeAlphaBars } from './bars.js';
import { formatDay, parseDay } from './days.js';

/** The exact header of Alpha Vantage's TIME_SERIES_DAILY_ADJUSTED CSV output. */
export const ALPHA_CSV_COLUMNS = [
  'timestamp',
  'open',
  'high',
  'low',
  'close',
  'adjusted_close',
  'volume',
  'dividend_amount',
  'split_coefficient',
] as const;

export interface CsvIssue {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  /** English, for logs and the CLI. */
  message: string;
  /** The same as a catalogued message (IMPORT_LINE_INVALID), for the UI to render in its language. */
  text: Message;
}

type ImportProblem = EnumValue<'importProblem'>;

/** A file that cannot be imported; `issues` name each bad line. Nothing is stored for such a file. */
export class AlphaCsvError extends Error {
  constructor(
    readonly file: string,
    readonly issues: CsvIssue[],
    readonly truncated = false,
  ) {
    super(
      `${file}: ${issues.length}${truncated ? '+' : ''} problem(s)\n` +
        issues.map((issue) => `  ${file}:${issue.line}: ${issue.message}`).join('\n'),
    );
    this.name = 'AlphaCsvError';
  }
}

const MAX_ISSUES = 20;
/**
 * Plain decimals as Alpha Vantage writes them (`12`, `-0.5`, `1.2e-5`). Number() alone would also
 * accept '', ' ', '0x1f' and 'Infinity'; a character scan is much faster than a regex here.
 */
function parseDecimal(text: string): number {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  let digitsSeen = 0;
  let dotSeen = false;
  for (; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digitsSeen++;
    else if (code === 46 && !dotSeen) dotSeen = true;
    else break;
  }
  if (digitsSeen === 0) return Number.NaN;
  if (i < n) {
    const code = text.charCodeAt(i);
    if (code !== 101 && code !== 69) return Number.NaN; // e / E
    i++;
    if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
    const exponentStart = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === exponentStart || i < n) return Number.NaN;
  }
  return Number(text);
}

/** Which values each float column accepts; prices must be positive, the rest non-negative. */
const POSITIVE = new Set(['open', 'high', 'low', 'close', 'adjustedClose', 'splitCoefficient']);

/**
 * Parses one Alpha Vantage daily-adjusted CSV file.
 *
 * Order: Alpha Vantage serves newest first, while many archives (and this project's sample data) are
 * oldest first. Both are accepted: the first two rows fix the direction and every later row must
 * continue strictly in it. A row whose date equals an earlier row's is a duplicate; a row that moves
 * against the direction (without repeating a date) is out of order. Either rejects the whole file,
 * because a silently re-sorted file usually means a concatenation or a corrupted download.
 *
 * Returns bars oldest first.
 */
export function parseAlphaCsv(text: string, file: string, symbol: string): AlphaBars {
  const issues: CsvIssue[] = [];
  let truncated = false;
  const issue = (line: number, problem: ImportProblem, field: string, detail: string, message: string) => ({
    line,
    message,
    text: msg('IMPORT_LINE_INVALID', { file, line, field, problem, detail }),
  });
  const report = (line: number, problem: ImportProblem, field: string, detail: string, message: string) => {
    if (issues.length >= MAX_ISSUES) {
      truncated = true;
      return false;
    }
    issues.push(issue(line, problem, field, detail, message));
    return true;
  };

  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmedStart = body.trimStart();
  if (trimmedStart.startsWith('{')) {
    const summary = summariseJson(trimmedStart);
    throw new AlphaCsvError(file, [
      issue(1, 'json-response', 'file', summary, `not a CSV file but a JSON response: ${summary}`),
    ]);
  }
  const lines = body.split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '').trim();
  const expectedHeader = ALPHA_CSV_COLUMNS.join(',');
  if (header !== expectedHeader) {
    throw new AlphaCsvError(file, [
      issue(
        1,
        'wrong-columns',
        'header',
        header,
        `wrong columns: expected "${expectedHeader}", got "${header}"`,
      ),
    ]);
  }

  const columns = allocateColumns(lines.length);
  const lineOf = new Int32Array(lines.length);
  let rows = 0;
  let direction = 0; // +1 oldest first, -1 newest first, 0 unknown yet
  const values = new Float64Array(BAR_COLUMNS.length);
  const targets = BAR_COLUMNS.map((name) => columns[name]);
  const positiveOnly = BAR_COLUMNS.map((name) => POSITIVE.has(name));

  for (let index = 1; index < lines.length; index++) {
    const lineNumber = index + 1;
    let raw = lines[index]!;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.length === 0 || raw.trim() === '') continue;
    let day = fastRow(raw, values, positiveOnly);
    let dayText = '';
    if (day < 0) {
      // Slow path: the same checks field by field, to say exactly what is wrong.
      const fields = raw.split(',');
      if (fields.length !== ALPHA_CSV_COLUMNS.length) {
        const counts = `${fields.length}/${ALPHA_CSV_COLUMNS.length}`;
        const message = `expected ${ALPHA_CSV_COLUMNS.length} fields, got ${fields.length}`;
        if (!report(lineNumber, 'field-count', 'row', counts, message)) break;
        continue;
      }
      dayText = fields[0]!;
      const parsedDay = parseDay(dayText);
      if (parsedDay === undefined) {
        const message = `timestamp: "${dayText}" is not a date (YYYY-MM-DD)`;
        if (!report(lineNumber, 'not-a-date', 'timestamp', dayText, message)) break;
        continue;
      }
      day = parsedDay;
      let rowOk = true;
      for (let column = 0; column < BAR_COLUMNS.length; column++) {
        const fieldText = fields[column + 1]!;
        const value = parseDecimal(fieldText);
        const positive = positiveOnly[column]!;
        const valid = Number.isFinite(value) && (positive ? value > 0 : value >= 0);
        if (!valid) {
          rowOk = false;
          const reason = positive ? 'a positive number' : 'a number >= 0';
          const name = ALPHA_CSV_COLUMNS[column + 1] ?? '';
          const message = `${name}: expected ${reason}, got "${fieldText}"`;
          if (!report(lineNumber, positive ? 'not-positive' : 'negative', name, fieldText, message)) break;
        }
        values[column] = value;
      }
      if (!rowOk) continue;
    } else {
      dayText = raw.slice(0, 10);
    }

    if (rows > 0) {
      const previous = columns.days[rows - 1]!;
      // Accepted rows are strictly monotonic, so an earlier equal date can be found by bisection.
      const firstRow =
        day === previous ? rows - 1 : direction === 0 ? -1 : findDay(columns.days, rows, day, direction);
      if (firstRow >= 0) {
        const message = `duplicated date ${dayText} (first on line ${lineOf[firstRow]})`;
        if (!report(lineNumber, 'duplicate-date', 'timestamp', dayText, message)) break;
        continue;
      }
      const step = day > previous ? 1 : -1;
      if (direction === 0) direction = step;
      else if (step !== direction) {
        const expected = direction > 0 ? 'after' : 'before';
        const message = `date ${dayText} out of order: rows must be strictly ${direction > 0 ? 'ascending' : 'descending'}, expected a date ${expected} ${formatDay(previous)} (line ${lineOf[rows - 1]})`;
        if (!report(lineNumber, 'out-of-order', 'timestamp', dayText, message)) break;
        continue;
      }
    }
    columns.days[rows] = day;
    lineOf[rows] = lineNumber;
    for (let column = 0; column < targets.length; column++) targets[column]![rows] = values[column]!;
    rows++;
  }

  if (issues.length === 0 && rows === 0) issues.push(issue(2, 'no-rows', 'file', '0', 'no data rows'));
  if (issues.length > 0) throw new AlphaCsvError(file, issues, truncated);

  const reverse = direction < 0;
  const out = allocateColumns(rows);
  out.days.set(columns.days.subarray(0, rows));
  if (reverse) out.days.reverse();
  for (const name of BAR_COLUMNS) {
    out[name].set(columns[name].subarray(0, rows));
    if (reverse) out[name].reverse();
  }
  return makeAlphaBars(symbol, out);
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Fast path for a well-formed row: `YYYY-MM-DD` and eight plain decimals, parsed in place without
 * substrings. Returns the day, or -1 for anything unusual (the slow path then names the problem).
 * Decimals with at most 15 digits are mantissa / 10^k, which IEEE division rounds exactly like
 * Number() (both exact operands, one rounding); anything longer or with an exponent uses Number().
 */
function fastRow(line: string, values: Float64Array, positiveOnly: readonly boolean[]): number {
  const n = line.length;
  if (n < 11 || line.charCodeAt(10) !== 44) return -1;
  const day = parseDay(line.slice(0, 10));
  if (day === undefined) return -1;
  let i = 11;
  for (let column = 0; column < values.length; column++) {
    const start = i;
    let negative = false;
    if (line.charCodeAt(i) === 45) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    let fraction = 0;
    let dot = false;
    for (; i < n; i++) {
      const code = line.charCodeAt(i);
      if (code >= 48 && code <= 57) {
        mantissa = mantissa * 10 + (code - 48);
        digits++;
        if (dot) fraction++;
      } else if (code === 46 && !dot) dot = true;
      else break;
    }
    const end = i;
    if (digits === 0) return -1;
    let value: number;
    if (i < n && line.charCodeAt(i) !== 44) {
      // An exponent or stray character: let the careful parser decide.
      while (i < n && line.charCodeAt(i) !== 44) i++;
      value = parseDecimal(line.slice(start, i));
    } else if (digits > 15) {
      value = Number(line.slice(start, end));
    } else {
      value = mantissa / POWERS_OF_TEN[fraction]!;
      if (negative) value = -value;
    }
    if (!(positiveOnly[column] ? value > 0 : value >= 0)) return -1; // also rejects NaN
    values[column] = value;
    if (column < values.length - 1) {
      if (line.charCodeAt(i) !== 44) return -1;
      i++;
    } else if (i !== n) return -1;
  }
  return day;
}

function findDay(days: Int32Array, rows: number, day: number, direction: number): number {
  let low = 0;
  let high = rows - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const value = days[mid]!;
    if (value === day) return mid;
    if (value < day === direction > 0) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

function summariseJson(text: string): string {
  const compact = text.replace(/\s+/g, ' ').trim();
  return compact.length > 160 ? `${compact.slice(0, 157)}...` : compact;
}

/** Serialises bars as an Alpha Vantage CSV, newest first as the API serves it. */
export function toAlphaCsv(bars: AlphaBars, order: 'newest-first' | 'oldest-first' = 'newest-first'): string {
  const lines: string[] = [ALPHA_CSV_COLUMNS.join(',')];
  for (let step = 0; step < bars.length; step++) {
    const row = order === 'newest-first' ? bars.length - 1 - step : step;
    const fields = [formatDay(bars.days[row]!)];
    for (const name of BAR_COLUMNS) fields.push(String(bars[name][row]));
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}
