import type { riskZhCN } from './risk.zh-CN';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** The risk panel (English); same keys as risk.zh-CN.ts. */
export const riskEn: Widen<typeof riskZhCN> = {
  title: 'Risk panel',
  subtitle:
    "Intraday risk: today's loss and the drawdown against their limits, trading states and risk events.",
  backToLive: 'Back to Live Trading',
  account: 'Account',
  noReading:
    'The risk monitor has not read the account yet (it needs the IB connection and the execution lease).',
  reading: {
    title: 'Latest reading',
    netLiquidation: 'Net liquidation',
    dailyPnl: "Today's PnL",
    startOfDay: 'Day start',
    highWaterMark: 'High-water mark',
    readAt: 'Read at',
  },
  scope: {
    state: 'Trading state',
    dailyLoss: 'Daily loss / limit',
    drawdown: 'Drawdown / limit',
    warningAt: 'Warning at {{pct}} of the limit',
    reason: 'Reason',
    changed: 'Set {{time}} by {{by}}',
    levels: { ok: 'OK', warning: 'Warning', trigger: 'Triggered' },
  },
  preTrade: {
    title: 'Pre-trade limits (last check: run #{{run}}, {{date}})',
    none: 'No pre-trade check recorded for this project yet.',
    margin: 'Initial margin / cap',
    gross: 'Gross exposure / cap',
    position: 'Largest position weight / cap',
    sector: 'Largest sector weight / cap',
    orderValue: 'Largest order value / cap',
    advShare: 'Largest share of daily volume / cap',
    priceBand: 'Largest move from previous close / band',
    orders: 'Orders / cap',
    cash: 'Cash after the run {{cashAfter}}, floor {{floor}}',
  },
  fallback: {
    title: 'Fallback target version',
    policy: 'Fallback policy',
    policies: {
      'last-good': 'Trade the last good snapshot (last-good)',
      'stand-still': 'Stand still (stand-still)',
    },
    none: 'No fallback used yet.',
    used: 'Last fallback',
    usedValues: { 'last-good': "Traded the last good snapshot's weights", 'stand-still': 'Sent nothing' },
    date: 'Trading date',
    at: 'Time',
    reason: 'Reason',
    source: 'Source snapshot',
    sourceValue: '#{{id}} (hash {{hash}})',
    snapshot: 'Fallback snapshot',
    run: 'Trade run',
    pick: 'Pick a project on the Projects page to see its fallback target version.',
  },
  limits: {
    title: 'Position limits (account now)',
    grossExposure: 'Gross exposure',
    largestPosition: 'Largest position weight',
    noAccount: 'No account data yet.',
  },
  controls: {
    halt: 'Halt trading',
    reduce: 'Reduce only',
    resume: 'Resume trading',
    haltTitle: 'Halt trading for {{scope}}',
    resumeTitle: 'Resume trading for {{scope}}',
    reason: 'Reason',
    reasonPlaceholder: 'Say why (at least 3 characters)',
    confirm: 'Type {{word}} to confirm',
    to: 'Resume to',
    done: 'Trading state updated',
  },
  events: {
    title: 'Risk events',
    empty: 'No risk events',
    time: 'Time',
    scope: 'Scope',
    kind: 'Kind',
    evidence: 'Evidence',
    kinds: {
      'pretrade.blocked': 'Blocked before trading',
      'intraday.warning': 'Intraday warning',
      'intraday.trigger': 'Intraday trigger',
      'state.changed': 'Trading state changed',
      'fallback.used': 'Fallback used',
      'defensive.started': 'Defensive move started',
      'defensive.deferred': 'Defensive move deferred',
      'defensive.waiting': 'Defensive move still waiting',
    },
    defensiveWaiting:
      '{{action}} has waited {{minutes}} min (bound {{bound}} min) for orders of another run still out at the broker; the broker was asked again. Nothing is sent until they are final: check them at the broker',
    orderOut: '{{symbol}} {{side}} {{filled}}/{{quantity}} filled ({{ref}})',
    defensiveStarted:
      '{{action}} (snapshot #{{snapshot}}, trading date {{date}}); halted because: {{reason}}',
    defensiveDeferred:
      'Run #{{run}} already holds the run key of {{date}}: the defensive move waits for the next trading day',
    defensiveCash: 'Sell everything to cash',
    defensiveAsset: 'Move into the defensive asset {{symbol}}',
    blockedRun: 'Run #{{run}} ({{date}}, {{orders}} orders)',
    metrics: { dailyLoss: 'Daily loss', drawdown: 'Drawdown' },
    measured: '{{metric}} {{value}}, limit {{limit}}, action: {{action}}',
    figures: 'Net liquidation {{nav}}; day start {{start}}; high-water mark {{hwm}}',
    stateChange: '{{from}} → {{to}} ({{actor}}): {{reason}}',
    rule: 'Rule {{rule}}',
  },
  /** An automatic change's cause (code and figures) in the UI language; a person's reason shows as typed. */
  cause: {
    intraday:
      '{{metric}} {{value}} reached the limit {{limit}}; trading state set to {{action}} (net liquidation {{nav}}, {{base}})',
    base: { dailyLoss: 'day start {{value}}', drawdown: 'high-water mark {{value}}' },
  },
};
