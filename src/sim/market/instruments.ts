import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { ibHoursString, newYorkDay } from '../../calendar/index.js';
import { type Clock, systemClock } from '../../core/index.js';
import { hashString } from './random.js';
import type { Instrument } from './types.js';

/** How many calendar days of sessions the generated trading-hours strings cover (IB sends about a week). */
const HOURS_WINDOW_DAYS = 7;

type DefaultRow = [
  symbol: string,
  conId: number,
  primaryExchange: 'NASDAQ' | 'NYSE',
  sector: string,
  industry: string,
  category: string,
  longName: string,
];

/**
 * A liquid US large-cap universe across all GICS sectors. ConIds are stable project-assigned ids
 * (unique, never reused), not IB's production ids.
 */
const DEFAULT_ROWS: DefaultRow[] = [
  [
    'AAPL',
    265598,
    'NASDAQ',
    'Information Technology',
    'Technology Hardware, Storage & Peripherals',
    'Technology Hardware',
    'APPLE INC',
  ],
  ['MSFT', 272093, 'NASDAQ', 'Information Technology', 'Software', 'Systems Software', 'MICROSOFT CORP'],
  [
    'NVDA',
    4815747,
    'NASDAQ',
    'Information Technology',
    'Semiconductors & Semiconductor Equipment',
    'Semiconductors',
    'NVIDIA CORP',
  ],
  [
    'AVGO',
    349785401,
    'NASDAQ',
    'Information Technology',
    'Semiconductors & Semiconductor Equipment',
    'Semiconductors',
    'BROADCOM INC',
  ],
  ['ORCL', 272800, 'NYSE', 'Information Technology', 'Software', 'Application Software', 'ORACLE CORP'],
  [
    'CSCO',
    268084,
    'NASDAQ',
    'Information Technology',
    'Communications Equipment',
    'Communications Equipment',
    'CISCO SYSTEMS INC',
  ],
  ['ADBE', 265768, 'NASDAQ', 'Information Technology', 'Software', 'Application Software', 'ADOBE INC'],
  ['CRM', 42297412, 'NYSE', 'Information Technology', 'Software', 'Application Software', 'SALESFORCE INC'],
  [
    'INTC',
    270639,
    'NASDAQ',
    'Information Technology',
    'Semiconductors & Semiconductor Equipment',
    'Semiconductors',
    'INTEL CORP',
  ],
  [
    'AMD',
    4391,
    'NASDAQ',
    'Information Technology',
    'Semiconductors & Semiconductor Equipment',
    'Semiconductors',
    'ADVANCED MICRO DEVICES',
  ],
  [
    'GOOGL',
    208813719,
    'NASDAQ',
    'Communication Services',
    'Interactive Media & Services',
    'Interactive Media & Services',
    'ALPHABET INC-CL A',
  ],
  [
    'META',
    107113386,
    'NASDAQ',
    'Communication Services',
    'Interactive Media & Services',
    'Interactive Media & Services',
    'META PLATFORMS INC-CLASS A',
  ],
  [
    'NFLX',
    15124833,
    'NASDAQ',
    'Communication Services',
    'Entertainment',
    'Movies & Entertainment',
    'NETFLIX INC',
  ],
  [
    'DIS',
    6459,
    'NYSE',
    'Communication Services',
    'Entertainment',
    'Movies & Entertainment',
    'WALT DISNEY CO/THE',
  ],
  [
    'VZ',
    12061,
    'NYSE',
    'Communication Services',
    'Diversified Telecommunication Services',
    'Integrated Telecommunication Services',
    'VERIZON COMMUNICATIONS INC',
  ],
  [
    'T',
    37018770,
    'NYSE',
    'Communication Services',
    'Diversified Telecommunication Services',
    'Integrated Telecommunication Services',
    'AT&T INC',
  ],
  [
    'AMZN',
    3691937,
    'NASDAQ',
    'Consumer Discretionary',
    'Broadline Retail',
    'Broadline Retail',
    'AMAZON.COM INC',
  ],
  [
    'TSLA',
    76792991,
    'NASDAQ',
    'Consumer Discretionary',
    'Automobiles',
    'Automobile Manufacturers',
    'TESLA INC',
  ],
  [
    'HD',
    7930,
    'NYSE',
    'Consumer Discretionary',
    'Specialty Retail',
    'Home Improvement Retail',
    'HOME DEPOT INC',
  ],
  [
    'MCD',
    9408,
    'NYSE',
    'Consumer Discretionary',
    'Hotels, Restaurants & Leisure',
    'Restaurants',
    "MCDONALD'S CORP",
  ],
  [
    'NKE',
    10291,
    'NYSE',
    'Consumer Discretionary',
    'Textiles, Apparel & Luxury Goods',
    'Footwear',
    'NIKE INC -CL B',
  ],
  [
    'PG',
    15016,
    'NYSE',
    'Consumer Staples',
    'Household Products',
    'Household Products',
    'PROCTER & GAMBLE CO/THE',
  ],
  [
    'KO',
    8894,
    'NYSE',
    'Consumer Staples',
    'Beverages',
    'Soft Drinks & Non-alcoholic Beverages',
    'COCA-COLA CO/THE',
  ],
  [
    'PEP',
    11017,
    'NASDAQ',
    'Consumer Staples',
    'Beverages',
    'Soft Drinks & Non-alcoholic Beverages',
    'PEPSICO INC',
  ],
  [
    'WMT',
    13824,
    'NASDAQ',
    'Consumer Staples',
    'Consumer Staples Distribution & Retail',
    'Consumer Staples Merchandise Retail',
    'WALMART INC',
  ],
  [
    'COST',
    272997,
    'NASDAQ',
    'Consumer Staples',
    'Consumer Staples Distribution & Retail',
    'Consumer Staples Merchandise Retail',
    'COSTCO WHOLESALE CORP',
  ],
  [
    'UNH',
    13095,
    'NYSE',
    'Health Care',
    'Health Care Providers & Services',
    'Managed Health Care',
    'UNITEDHEALTH GROUP INC',
  ],
  ['JNJ', 8719, 'NYSE', 'Health Care', 'Pharmaceuticals', 'Pharmaceuticals', 'JOHNSON & JOHNSON'],
  ['LLY', 9160, 'NYSE', 'Health Care', 'Pharmaceuticals', 'Pharmaceuticals', 'ELI LILLY & CO'],
  ['PFE', 11054, 'NYSE', 'Health Care', 'Pharmaceuticals', 'Pharmaceuticals', 'PFIZER INC'],
  ['MRK', 9662, 'NYSE', 'Health Care', 'Pharmaceuticals', 'Pharmaceuticals', 'MERCK & CO. INC.'],
  ['ABBV', 118089500, 'NYSE', 'Health Care', 'Biotechnology', 'Biotechnology', 'ABBVIE INC'],
  ['JPM', 1520593, 'NYSE', 'Financials', 'Banks', 'Diversified Banks', 'JPMORGAN CHASE & CO'],
  ['BAC', 10098, 'NYSE', 'Financials', 'Banks', 'Diversified Banks', 'BANK OF AMERICA CORP'],
  [
    'V',
    49462172,
    'NYSE',
    'Financials',
    'Financial Services',
    'Transaction & Payment Processing Services',
    'VISA INC-CLASS A SHARES',
  ],
  [
    'MA',
    35044446,
    'NYSE',
    'Financials',
    'Financial Services',
    'Transaction & Payment Processing Services',
    'MASTERCARD INC - A',
  ],
  [
    'GS',
    4627828,
    'NYSE',
    'Financials',
    'Capital Markets',
    'Investment Banking & Brokerage',
    'GOLDMAN SACHS GROUP INC',
  ],
  ['XOM', 13977, 'NYSE', 'Energy', 'Oil, Gas & Consumable Fuels', 'Integrated Oil & Gas', 'EXXON MOBIL CORP'],
  ['CVX', 5958, 'NYSE', 'Energy', 'Oil, Gas & Consumable Fuels', 'Integrated Oil & Gas', 'CHEVRON CORP'],
  [
    'CAT',
    5437,
    'NYSE',
    'Industrials',
    'Machinery',
    'Construction Machinery & Heavy Transportation Equipment',
    'CATERPILLAR INC',
  ],
  ['BA', 5340, 'NYSE', 'Industrials', 'Aerospace & Defense', 'Aerospace & Defense', 'BOEING CO/THE'],
  [
    'HON',
    8612,
    'NASDAQ',
    'Industrials',
    'Industrial Conglomerates',
    'Industrial Conglomerates',
    'HONEYWELL INTERNATIONAL INC',
  ],
  ['UNP', 13760, 'NYSE', 'Industrials', 'Ground Transportation', 'Rail Transportation', 'UNION PACIFIC CORP'],
  ['NEE', 13127, 'NYSE', 'Utilities', 'Electric Utilities', 'Electric Utilities', 'NEXTERA ENERGY INC'],
  ['PLD', 6487, 'NYSE', 'Real Estate', 'Industrial REITs', 'Industrial REITs', 'PROLOGIS INC'],
  ['LIN', 597835624, 'NASDAQ', 'Materials', 'Chemicals', 'Industrial Gases', 'LINDE PLC'],
];

function hoursFields(clock: Clock): Pick<Instrument, 'tradingHours' | 'liquidHours' | 'timeZoneId'> {
  const today = newYorkDay(clock.nowMs());
  return {
    tradingHours: ibHoursString(today, HOURS_WINDOW_DAYS, 'trading'),
    liquidHours: ibHoursString(today, HOURS_WINDOW_DAYS, 'liquid'),
    timeZoneId: 'US/Eastern',
  };
}

/**
 * The default paper-trading universe. Trading-hours strings cover the week starting at the clock's
 * New York day; pass the simulator's clock so they match simulated time.
 */
export function defaultInstruments(clock: Clock = systemClock): Instrument[] {
  const hours = hoursFields(clock);
  return DEFAULT_ROWS.map(([symbol, conId, primaryExchange, sector, industry, category, longName]) => ({
    symbol,
    conId,
    exchange: 'SMART',
    primaryExchange,
    currency: 'USD',
    minTick: 0.01,
    lotSize: 1,
    sector,
    industry,
    category,
    longName,
    ...hours,
  }));
}

/** Re-derives the trading-hours strings of instruments for the week starting at the clock's day. */
export function withCurrentHours(instruments: readonly Instrument[], clock: Clock): Instrument[] {
  const hours = hoursFields(clock);
  return instruments.map((instrument) => ({ ...instrument, ...hours }));
}

/**
 * Each default instrument's price level around the start of 2027 (rounded, near its real level then),
 * so that synthetic quotes look like the ticker they carry. The synthetic market grows this level
 * over time and keeps prices within a band around it (docs/sim.md, "Price levels").
 */
const REFERENCE_PRICES: Readonly<Record<string, number>> = {
  AAPL: 230,
  MSFT: 420,
  NVDA: 140,
  AVGO: 200,
  ORCL: 180,
  CSCO: 60,
  ADBE: 450,
  CRM: 280,
  INTC: 25,
  AMD: 150,
  GOOGL: 170,
  META: 550,
  NFLX: 100,
  DIS: 110,
  VZ: 42,
  T: 25,
  AMZN: 200,
  TSLA: 300,
  HD: 380,
  MCD: 290,
  NKE: 75,
  PG: 165,
  KO: 68,
  PEP: 150,
  WMT: 95,
  COST: 900,
  UNH: 400,
  JNJ: 160,
  LLY: 800,
  PFE: 27,
  MRK: 95,
  ABBV: 190,
  JPM: 240,
  BAC: 45,
  V: 330,
  MA: 540,
  GS: 600,
  XOM: 110,
  CVX: 150,
  CAT: 380,
  BA: 180,
  HON: 210,
  UNP: 230,
  NEE: 75,
  PLD: 115,
  LIN: 450,
};

/** The reference price level of a default instrument; undefined for symbols from a universe file. */
export function referencePriceOf(symbol: string): number | undefined {
  return REFERENCE_PRICES[symbol.toUpperCase()];
}

/** A stable conId for symbols a universe file lists without one (kept above IB's usual range). */
export function derivedConId(symbol: string): number {
  return 1_000_000_000 + (hashString(symbol.toUpperCase()) % 1_000_000_000);
}

const numberFromText = (schema: z.ZodNumber) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), schema);

const optionalText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().optional(),
);

const instrumentRowSchema = z.object({
  symbol: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.\- ]{1,12}$/, 'expected a ticker symbol'),
  conId: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    numberFromText(z.number().int().positive()).optional(),
  ),
  exchange: optionalText,
  primaryExchange: optionalText,
  currency: optionalText,
  minTick: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    numberFromText(z.number().positive()).optional(),
  ),
  lotSize: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    numberFromText(z.number().int().positive()).optional(),
  ),
  sector: optionalText,
  industry: optionalText,
  category: optionalText,
  longName: optionalText,
  tradingHours: optionalText,
  liquidHours: optionalText,
  timeZoneId: optionalText,
});

type InstrumentRow = z.infer<typeof instrumentRowSchema>;

function toInstrument(row: InstrumentRow, hours: ReturnType<typeof hoursFields>): Instrument {
  const symbol = row.symbol.toUpperCase();
  return {
    symbol,
    conId: row.conId ?? derivedConId(symbol),
    exchange: row.exchange ?? 'SMART',
    primaryExchange: row.primaryExchange ?? 'NYSE',
    currency: row.currency ?? 'USD',
    minTick: row.minTick ?? 0.01,
    lotSize: row.lotSize ?? 1,
    sector: row.sector ?? 'Unknown',
    industry: row.industry ?? row.sector ?? 'Unknown',
    category: row.category ?? row.industry ?? 'Unknown',
    longName: row.longName ?? symbol,
    tradingHours: row.tradingHours ?? hours.tradingHours,
    liquidHours: row.liquidHours ?? hours.liquidHours,
    timeZoneId: row.timeZoneId ?? hours.timeZoneId,
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  return field ? `field "${field}": ${issue.message}` : issue.message;
}

/**
 * Loads a universe file: JSON (an array of instrument objects, or `{ "instruments": [...] }`) or CSV
 * with a header naming the fields. Only `symbol` is required; the rest default to a SMART-routed US
 * stock. Errors name the file and the line (CSV) or array index (JSON) and the field.
 */
export function loadInstrumentsFile(path: string, clock: Clock = systemClock): Instrument[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read universe file: ${(error as Error).message}`);
  }
  const hours = hoursFields(clock);
  const isJson = extname(path).toLowerCase() === '.json' || /^\s*[[{]/.test(text);
  const instruments = isJson ? parseJsonRows(path, text, hours) : parseCsvRows(path, text, hours);
  if (instruments.length === 0) throw new Error(`${path}: the universe file lists no instruments`);
  const seenSymbols = new Map<string, string>();
  const seenConIds = new Map<number, string>();
  for (const instrument of instruments) {
    if (seenSymbols.has(instrument.symbol)) throw new Error(`${path}: duplicate symbol ${instrument.symbol}`);
    const other = seenConIds.get(instrument.conId);
    if (other)
      throw new Error(`${path}: conId ${instrument.conId} used by both ${other} and ${instrument.symbol}`);
    seenSymbols.set(instrument.symbol, instrument.symbol);
    seenConIds.set(instrument.conId, instrument.symbol);
  }
  return instruments;
}

function parseJsonRows(path: string, text: string, hours: ReturnType<typeof hoursFields>): Instrument[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: invalid JSON: ${(error as Error).message}`);
  }
  const rows = Array.isArray(data) ? data : (data as { instruments?: unknown } | null)?.instruments;
  if (!Array.isArray(rows)) {
    throw new Error(`${path}: expected an array of instruments or { "instruments": [...] }`);
  }
  return rows.map((row, index) => {
    const parsed = instrumentRowSchema.safeParse(row);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const line = jsonElementLine(text, Array.isArray(data), index);
      const where = line === undefined ? '' : `${line}:`;
      throw new Error(`${path}:${where} instruments[${index}]: ${first ? describeIssue(first) : 'invalid'}`);
    }
    return toInstrument(parsed.data, hours);
  });
}

function parseCsvRows(path: string, text: string, hours: ReturnType<typeof hoursFields>): Instrument[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (error) {
    throw new Error(`${path}: invalid CSV: ${(error as Error).message}`);
  }
  return records.map(({ record, info }) => {
    const parsed = instrumentRowSchema.safeParse(record);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new Error(`${path}:${info.lines}: ${first ? describeIssue(first) : 'invalid row'}`);
    }
    return toInstrument(parsed.data, hours);
  });
}

/** The 1-based line where the index-th element of the rows array starts, found by a light scan. */
function jsonElementLine(text: string, rootIsArray: boolean, index: number): number | undefined {
  const keyed = /"instruments"\s*:\s*\[/.exec(text);
  const arrayStart = rootIsArray ? text.indexOf('[') : keyed ? keyed.index + keyed[0].length - 1 : -1;
  if (arrayStart < 0) return undefined;
  let depth = 0;
  let inString = false;
  let element = 0;
  let expectingElement = true;
  for (let offset = arrayStart + 1; offset < text.length; offset++) {
    const char = text[offset];
    if (inString) {
      if (char === '\\') offset++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
    if (depth === 0 && expectingElement) {
      if (char === ']') return undefined;
      if (element === index) return text.slice(0, offset).split('\n').length;
      expectingElement = false;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      if (depth === 0) return undefined;
      depth--;
    } else if (char === ',' && depth === 0) {
      element++;
      expectingElement = true;
    }
  }
  return undefined;
}
