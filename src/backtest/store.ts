import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BacktestResult } from './engine.js';
import { exportBacktest, resultHash, resultHashHex } from './report.js';
import { parseBacktestResult } from './schema.js';

/** Where finished backtests live; the database-backed version can implement the same interface. */
export interface BacktestStore {
  save(result: BacktestResult): Promise<string>;
  load(id: string): Promise<BacktestResult>;
  list(): Promise<BacktestSummary[]>;
}

export interface BacktestSummary {
  id: string;
  start: string;
  end: string;
  modelVersion: string | null;
  projectVersion: string | null;
  cagr: number;
  sharpe: number;
  maxDrawdown: number;
}

/**
 * Backtests as folders `<dataRoot>/backtests/<id>/` (result.json plus CSV exports). The id is the
 * first 16 hex digits of the result's content hash (after its version prefix), so saving the same
 * result twice is one folder.
 */
export class FileBacktestStore implements BacktestStore {
  /** The folder name of a result with this hash. */
  static folderOf(hash: string): string {
    return resultHashHex(hash).slice(0, 16);
  }

  readonly dir: string;

  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'backtests');
  }

  /** `hash`: the result's hash when the caller has it already (it takes a while on decades of data). */
  async save(result: BacktestResult, hash: string = resultHash(result)): Promise<string> {
    const id = FileBacktestStore.folderOf(hash);
    await exportBacktest(result, path.join(this.dir, id));
    return id;
  }

  async load(id: string): Promise<BacktestResult> {
    if (!/^[0-9a-f]{16}$/.test(id)) throw new Error(`id: "${id}" is not a backtest id`);
    const file = path.join(this.dir, id, 'result.json');
    if (!existsSync(file)) throw new Error(`id: no backtest ${id}`);
    return parseBacktestResult(JSON.parse(await readFile(file, 'utf8')));
  }

  async list(): Promise<BacktestSummary[]> {
    if (!existsSync(this.dir)) return [];
    const summaries: BacktestSummary[] = [];
    for (const id of (await readdir(this.dir)).sort()) {
      if (!/^[0-9a-f]{16}$/.test(id) || !existsSync(path.join(this.dir, id, 'result.json'))) continue;
      const result = await this.load(id);
      summaries.push({
        id,
        start: result.start,
        end: result.end,
        modelVersion: result.config.modelVersion,
        projectVersion: result.config.projectVersion,
        cagr: result.stats.cagr,
        sharpe: result.stats.sharpe,
        maxDrawdown: result.stats.maxDrawdown,
      });
    }
    return summaries;
  }
}
