import { type ModelRecord, ModelRegistry } from '../../alpha/index.js';
import { bootstrapFrom, type CommonFlags, withCommonFlags } from '../common.js';
import type { Command } from '../program.js';

/** What `ibloop models` shows of one saved model: enough to pick a `--model-version` for `ibloop score`. */
interface ModelLine {
  version: string;
  family: string;
  createdAt: string;
  symbols: number;
  firstDecision: string;
  lastDecision: string;
}

function lineOf(record: ModelRecord): ModelLine {
  return {
    version: record.version,
    family: record.family,
    createdAt: record.createdAt,
    symbols: record.symbols.length,
    firstDecision: record.firstDecision,
    lastDecision: record.lastDecision,
  };
}

/** `ibloop models [--json]`: the saved model versions, newest first. */
export function registerModelsCommand(program: Command): void {
  withCommonFlags(
    program
      .command('models')
      .description(
        'list saved model versions (use one with `ibloop score --model-version` or `ibloop backtest`)',
      )
      .option('--json', 'one JSON array on stdout'),
  ).action(async (flags: CommonFlags & { json?: boolean }) => {
    const registry = new ModelRegistry(bootstrapFrom(flags).dataRoot);
    const lines: ModelLine[] = [];
    for (const version of await registry.list()) lines.push(lineOf(await registry.load(version)));
    lines.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(lines)}\n`);
      return;
    }
    if (lines.length === 0) {
      process.stdout.write(`no saved models in ${registry.dir} (train one with \`ibloop train\`)\n`);
      return;
    }
    process.stdout.write('version       family  symbols  decisions              created\n');
    for (const line of lines) {
      process.stdout.write(
        `${line.version.slice(0, 12)}  ${line.family.padEnd(6)}  ${String(line.symbols).padStart(7)}  ` +
          `${line.firstDecision}..${line.lastDecision}  ${line.createdAt}\n`,
      );
    }
    process.stdout.write(`${lines.length} model(s); a 12-digit prefix is enough for --model-version\n`);
  });
}
