import { type AlphaDataset, centeredRanks } from './dataset.js';
import { windowVolatility } from './features.js';

/**
 * Signals of one's own: an expression over built-in series and functions, e.g. `ret(126) / vol(63)`,
 * evaluated on the research panel at every decision (rows <= the decision row only: no look-ahead).
 *
 * Grammar (a small recursive-descent parser; errors give the 0-based position of the bad token):
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | primary
 *   primary := number | name '(' [arg (',' arg)*] ')' | '(' expr ')'
 *
 * Series (per symbol; windows count panel rows, 5 = one week; NaN while the history is too short):
 *   price()          adjusted close
 *   ret(n[, skip])   P[t-skip] / P[t-n] - 1, e.g. ret(130, 5) is the built-in mom_26w
 *   vol(n)           annualised standard deviation of the last n daily log returns (vol(60) = vol_60d)
 *   ma(n)            mean adjusted close over n rows
 *   high(n), low(n)  highest / lowest adjusted close over n rows
 *   value(n)         mean traded value (close x volume) over n rows
 * Functions: log(x), abs(x); across the symbols of each decision: rank(x) (centred ranks in
 * (-0.5, 0.5)), zscore(x), neutral(x) (minus its sector's mean).
 *
 * As a signal, the expression's values are ranked across the eligible symbols of each decision exactly
 * like a built-in feature, so `ret(130, 5)` scores bit for bit like the rule model on mom_26w.
 */
export class SignalError extends Error {
  constructor(
    readonly expression: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`signal: at position ${position}: ${reason}\n  ${expression}\n  ${' '.repeat(position)}^`);
    this.name = 'SignalError';
  }
}

type Node =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'neg'; arg: Node; at: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Node; right: Node; at: number }
  | { kind: 'call'; name: string; args: Node[]; at: number };

interface Token {
  kind: 'number' | 'name' | 'op' | 'end';
  text: string;
  at: number;
}

const MAX_WINDOW = 5000;
const SERIES: Record<string, { min: number; max: number }> = {
  price: { min: 0, max: 0 },
  ret: { min: 1, max: 2 },
  vol: { min: 1, max: 1 },
  ma: { min: 1, max: 1 },
  high: { min: 1, max: 1 },
  low: { min: 1, max: 1 },
  value: { min: 1, max: 1 },
};
const FUNCTIONS = new Set(['log', 'abs', 'rank', 'zscore', 'neutral']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const match = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) throw new SignalError(text, i, `unexpected "${c}"`);
      tokens.push({ kind: 'number', text: match[0], at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'name', text: name, at: i });
      i += name.length;
    } else if ('+-*/(),'.includes(c)) {
      tokens.push({ kind: 'op', text: c, at: i });
      i++;
    } else {
      throw new SignalError(text, i, `unexpected character "${c}"`);
    }
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

/** Parses and checks an expression; throws SignalError naming the position of the first bad token. */
export function parseSignal(text: string): Node {
  if (text.length > 1000) throw new SignalError(text.slice(0, 40), 0, 'longer than 1000 characters');
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token => tokens[index]!;
  const fail = (at: Token | Node, reason: string): never => {
    throw new SignalError(text, at.at, reason);
  };
  const expect = (op: string): Token => {
    const token = peek();
    if (token.kind !== 'op' || token.text !== op)
      fail(
        token,
        token.kind === 'end' ? `expected "${op}" before the end` : `expected "${op}", got "${token.text}"`,
      );
    index++;
    return token;
  };

  const expr = (): Node => {
    let left = term();
    while (peek().kind === 'op' && (peek().text === '+' || peek().text === '-')) {
      const token = tokens[index++]!;
      left = { kind: 'binary', op: token.text as '+' | '-', left, right: term(), at: token.at };
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    while (peek().kind === 'op' && (peek().text === '*' || peek().text === '/')) {
      const token = tokens[index++]!;
      left = { kind: 'binary', op: token.text as '*' | '/', left, right: unary(), at: token.at };
    }
    return left;
  };
  const unary = (): Node => {
    const token = peek();
    if (token.kind === 'op' && token.text === '-') {
      index++;
      return { kind: 'neg', arg: unary(), at: token.at };
    }
    return primary();
  };
  const primary = (): Node => {
    const token = peek();
    if (token.kind === 'number') {
      index++;
      return { kind: 'number', value: Number(token.text), at: token.at };
    }
    if (token.kind === 'op' && token.text === '(') {
      index++;
      const inner = expr();
      expect(')');
      return inner;
    }
    if (token.kind === 'name') {
      index++;
      const name = token.text;
      const series = SERIES[name];
      if (!series && !FUNCTIONS.has(name)) {
        const known = [...Object.keys(SERIES), ...FUNCTIONS].join(', ');
        fail(token, `unknown function "${name}" (known: ${known})`);
      }
      expect('(');
      const args: Node[] = [];
      if (!(peek().kind === 'op' && peek().text === ')')) {
        args.push(expr());
        while (peek().kind === 'op' && peek().text === ',') {
          index++;
          args.push(expr());
        }
      }
      const close = expect(')');
      if (series) {
        if (args.length < series.min || args.length > series.max) {
          const wanted = series.min === series.max ? `${series.min}` : `${series.min} or ${series.max}`;
          fail(close, `${name}() takes ${wanted} window argument(s), got ${args.length}`);
        }
        args.forEach((arg, position) => {
          const min = name === 'ret' && position === 1 ? 0 : name === 'vol' ? 2 : 1;
          if (
            arg.kind !== 'number' ||
            !Number.isInteger(arg.value) ||
            arg.value < min ||
            arg.value > MAX_WINDOW
          )
            fail(arg, `window must be a whole number from ${min} to ${MAX_WINDOW}`);
        });
        if (
          name === 'ret' &&
          args.length === 2 &&
          (args[1] as { value: number }).value >= (args[0] as { value: number }).value
        )
          fail(args[1]!, 'skip must be shorter than the window');
      } else if (args.length !== 1) {
        fail(close, `${name}() takes 1 argument, got ${args.length}`);
      }
      return { kind: 'call', name, args, at: token.at };
    }
    return fail(
      token,
      token.kind === 'end' ? 'unexpected end of the expression' : `unexpected "${token.text}"`,
    );
  };

  const root = expr();
  if (peek().kind !== 'end') fail(peek(), `unexpected "${peek().text}" after a complete expression`);
  return root;
}

/** Throws SignalError if the expression is not valid; returns it trimmed. */
export function validateSignal(text: string): string {
  parseSignal(text);
  return text.trim();
}

/** Raw values `[k * nSymbols + s]` of an expression at each decision, NaN where it has none. */
export function evaluateSignal(
  text: string,
  dataset: Pick<AlphaDataset, 'panel' | 'decisionRows' | 'nSymbols' | 'eligible'>,
  sectors: readonly (string | undefined)[] = [],
): Float64Array {
  const root = parseSignal(text);
  const { panel, decisionRows, nSymbols } = dataset;
  const nDays = panel.days.length;
  const nDecisions = decisionRows.length;
  const size = nDecisions * nSymbols;
  const prices = panel.adjClose;

  const perSymbol = (compute: (base: number, s: number, first: number, out: Float64Array) => void) => {
    const out = new Float64Array(size).fill(Number.NaN);
    for (let s = 0; s < nSymbols; s++) {
      const first = panel.firstRow[s]!;
      if (first < nDays) compute(s * nDays, s, first, out);
    }
    return out;
  };
  const windowOf = (node: Node | undefined): number => (node as { value: number }).value;

  const series = (name: string, args: Node[]): Float64Array => {
    const n = args.length > 0 ? windowOf(args[0]) : 0;
    switch (name) {
      case 'price':
        return perSymbol((base, s, first, out) => {
          for (let k = 0; k < nDecisions; k++) {
            const t = decisionRows[k]!;
            if (t >= first) out[k * nSymbols + s] = prices[base + t]!;
          }
        });
      case 'ret': {
        const skip = args.length > 1 ? windowOf(args[1]) : 0;
        return perSymbol((base, s, first, out) => {
          for (let k = 0; k < nDecisions; k++) {
            const t = decisionRows[k]!;
            // The same arithmetic as the built-in momentum features, so the values agree bit for bit.
            if (t >= first && t - first >= n)
              out[k * nSymbols + s] = prices[base + t - skip]! / prices[base + t - n]! - 1;
          }
        });
      }
      case 'vol': {
        const sum1 = new Float64Array(nDays + 1);
        const sum2 = new Float64Array(nDays + 1);
        return perSymbol((base, s, first, out) => {
          let previous = prices[base]!;
          for (let t = 0; t < nDays; t++) {
            const p = prices[base + t]!;
            const r = t > first ? Math.log(p / previous) : 0;
            previous = p;
            sum1[t + 1] = sum1[t]! + r;
            sum2[t + 1] = sum2[t]! + r * r;
          }
          for (let k = 0; k < nDecisions; k++) {
            const t = decisionRows[k]!;
            if (t >= first && t - first >= n) out[k * nSymbols + s] = windowVolatility(sum1, sum2, t, n);
          }
        });
      }
      case 'ma':
      case 'value': {
        const column = name === 'ma' ? prices : panel.dollarVolume;
        const sums = new Float64Array(nDays + 1);
        return perSymbol((base, s, first, out) => {
          for (let t = 0; t < nDays; t++) sums[t + 1] = sums[t]! + column[base + t]!;
          for (let k = 0; k < nDecisions; k++) {
            const t = decisionRows[k]!;
            if (t >= first && t - first >= n - 1)
              out[k * nSymbols + s] = (sums[t + 1]! - sums[t + 1 - n]!) / n;
          }
        });
      }
      default: {
        const highest = name === 'high';
        return perSymbol((base, s, first, out) => {
          for (let k = 0; k < nDecisions; k++) {
            const t = decisionRows[k]!;
            if (t < first || t - first < n - 1) continue;
            let extreme = prices[base + t]!;
            for (let u = t - n + 1; u < t; u++) {
              const p = prices[base + u]!;
              if (highest ? p > extreme : p < extreme) extreme = p;
            }
            out[k * nSymbols + s] = extreme;
          }
        });
      }
    }
  };

  const values = new Float64Array(nSymbols);
  const owners = new Int32Array(nSymbols);
  const ranks = new Float64Array(nSymbols);
  const scratch = new Float64Array(nSymbols);
  const crossSection = (name: string, input: Float64Array): Float64Array => {
    const out = new Float64Array(size).fill(Number.NaN);
    for (let k = 0; k < nDecisions; k++) {
      let n = 0;
      for (let s = 0; s < nSymbols; s++) {
        const value = input[k * nSymbols + s]!;
        if (dataset.eligible[k * nSymbols + s] && !Number.isNaN(value)) {
          values[n] = value;
          owners[n++] = s;
        }
      }
      if (n === 0) continue;
      if (name === 'rank') {
        centeredRanks(values, n, ranks, scratch);
        for (let i = 0; i < n; i++) out[k * nSymbols + owners[i]!] = ranks[i]!;
      } else if (name === 'zscore') {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += values[i]!;
        const mean = sum / n;
        let squares = 0;
        for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
        const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        for (let i = 0; i < n; i++) out[k * nSymbols + owners[i]!] = sd > 0 ? (values[i]! - mean) / sd : 0;
      } else {
        const sums = new Map<string, { sum: number; count: number }>();
        for (let i = 0; i < n; i++) {
          const sector = sectors[owners[i]!] ?? '';
          const entry = sums.get(sector) ?? { sum: 0, count: 0 };
          entry.sum += values[i]!;
          entry.count++;
          sums.set(sector, entry);
        }
        for (let i = 0; i < n; i++) {
          const entry = sums.get(sectors[owners[i]!] ?? '')!;
          out[k * nSymbols + owners[i]!] = values[i]! - entry.sum / entry.count;
        }
      }
    }
    return out;
  };

  const evaluate = (node: Node): Float64Array => {
    switch (node.kind) {
      case 'number':
        return new Float64Array(size).fill(node.value);
      case 'neg': {
        const arg = evaluate(node.arg);
        for (let i = 0; i < size; i++) arg[i] = -arg[i]!;
        return arg;
      }
      case 'binary': {
        const left = evaluate(node.left);
        const right = evaluate(node.right);
        for (let i = 0; i < size; i++) {
          const a = left[i]!;
          const b = right[i]!;
          left[i] = node.op === '+' ? a + b : node.op === '-' ? a - b : node.op === '*' ? a * b : a / b;
          if (!Number.isFinite(left[i]!)) left[i] = Number.NaN; // x / 0 is no signal
        }
        return left;
      }
      case 'call': {
        if (SERIES[node.name]) return series(node.name, node.args);
        const arg = evaluate(node.args[0]!);
        if (node.name === 'log' || node.name === 'abs') {
          for (let i = 0; i < size; i++) arg[i] = node.name === 'log' ? Math.log(arg[i]!) : Math.abs(arg[i]!);
          for (let i = 0; i < size; i++) if (!Number.isFinite(arg[i]!)) arg[i] = Number.NaN;
          return arg;
        }
        return crossSection(node.name, arg);
      }
    }
  };
  return evaluate(root);
}

/**
 * Scores of a signal at each decision, as the rule model scores a built-in feature: centred ranks of
 * the expression across the eligible symbols, 0 for an eligible symbol without a value, NaN for the
 * ineligible.
 */
export function signalScores(
  text: string,
  // What the signal reads (evaluateSignal's part): a sweep's workers get only this of the dataset.
  dataset: Pick<AlphaDataset, 'panel' | 'decisionRows' | 'nSymbols' | 'eligible'>,
  sectors: readonly (string | undefined)[] = [],
): Float64Array {
  const raw = evaluateSignal(text, dataset, sectors);
  const { nSymbols, decisionRows } = dataset;
  const scores = new Float64Array(raw.length).fill(Number.NaN);
  const values = new Float64Array(nSymbols);
  const owners = new Int32Array(nSymbols);
  const ranks = new Float64Array(nSymbols);
  const scratch = new Float64Array(nSymbols);
  for (let k = 0; k < decisionRows.length; k++) {
    let n = 0;
    for (let s = 0; s < nSymbols; s++) {
      const index = k * nSymbols + s;
      if (!dataset.eligible[index]) continue;
      scores[index] = 0;
      if (!Number.isNaN(raw[index]!)) {
        values[n] = raw[index]!;
        owners[n++] = index;
      }
    }
    centeredRanks(values, n, ranks, scratch);
    for (let i = 0; i < n; i++) scores[owners[i]!] = ranks[i]!;
  }
  return scores;
}
