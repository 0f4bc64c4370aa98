/** The project's pre-trade limits beside the weight caps (`params.risk`, see docs/risk.md). */
export const PRE_TRADE_FIELDS = [
  { key: 'cashBuffer', hint: 'fraction', step: 0.01 },
  { key: 'maxInitialMarginShare', hint: 'fraction', step: 0.05 },
  { key: 'maxOrderValue', hint: 'money', step: 10_000 },
  { key: 'maxPositionValue', hint: 'money', step: 10_000 },
  { key: 'maxPositionShares', hint: 'shares', step: 100 },
  { key: 'maxAdvShare', hint: 'fraction', step: 0.01 },
  { key: 'priceBand', hint: 'fraction', step: 0.01 },
  { key: 'maxOrdersPerRun', hint: 'orders', step: 10 },
  { key: 'weightTolerance', hint: 'tolerance', step: 0.001 },
] as const;

/** Form paths of these fields, as the server names them in a 400. */
export const PRE_TRADE_FORM_FIELDS = [
  ...PRE_TRADE_FIELDS.map(({ key }) => `params.risk.${key}` as const),
  'params.risk.allowShort' as const,
];
