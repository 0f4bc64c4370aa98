import type { Resources } from './zh-CN';

/** Parameter sweeps (Backtests & Reports page, English); same keys as `sweeps.zh-CN.ts`. */
export const sweepsEn: Resources['sweeps'] = {
  title: 'Parameter sweep',
  intro:
    'Backtests every combination of the parameters (signal, names held, weighting, caps, rebalance day) as one job, in parallel worker threads.',
  caveat:
    'Multiple testing: the best of many backtests is optimistic; its statistics overstate what the same parameters will do out of sample. Treat a sweep as exploration and confirm on a period that played no part in the choice.',
  form: {
    project: 'Project',
    signals: 'Signal expressions (one per line)',
    topN: 'Names held (comma-separated)',
    weighting: 'Weighting',
    maxWeight: 'Largest weight (comma-separated)',
    sectorCap: 'Sector cap (comma-separated)',
    weekday: 'Rebalance day',
    commission: 'Commission',
    run: 'Run sweep',
    points: '{{count}} parameter sets',
    badList: '"{{field}}" must be comma-separated numbers',
  },
  weighting: { equal: 'Equal', score: 'By score', inverse_volatility: 'Inverse volatility' },
  commission: { 'ib-fixed': 'IB fixed', 'ib-tiered': 'IB tiered', zero: 'None' },
  weekdays: { '1': 'Mon', '2': 'Tue', '3': 'Wed', '4': 'Thu', '5': 'Fri' },
  stats: {
    cagr: 'CAGR',
    totalReturn: 'Total return',
    volatility: 'Volatility',
    sharpe: 'Sharpe',
    sortino: 'Sortino',
    maxDrawdown: 'Max drawdown',
    turnoverPerRebalance: 'Turnover/rebalance',
    hitRate: 'Hit rate',
    totalCommission: 'Commissions',
    rebalances: 'Rebalances',
    exits: 'Exits',
  },
  table: {
    signal: 'Signal',
    topN: 'Names',
    weighting: 'Weighting',
    maxWeight: 'Max weight',
    sectorCap: 'Sector cap',
    weekday: 'Day',
    hash: 'Point hash',
    rerun: 'Rerun',
    reproduced: 'Reproduced (same result hash)',
    notReproduced: 'Not reproduced: the result hash differs',
  },
  heatmap: {
    title: 'Heatmap of two parameters',
    x: 'Across',
    y: 'Down',
    stat: 'Statistic',
    note: 'Each cell is the best value of the statistic over the other parameters.',
  },
};
