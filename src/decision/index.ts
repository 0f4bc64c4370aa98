/**
 * Decisions (DESIGN invariant 3, issue #12): decide on IB data, freeze the decision as a snapshot,
 * trade only from a snapshot, and reproduce it.
 *
 * The one decision function, from the pure `src/decide` module (re-exported here): `decide`
 * (features -> model scores -> portfolio construction -> risk stage) for live, `decideWeights` /
 * `decideStages` (its construction + risk part) for each backtest rebalance, whose scores come from
 * the same alpha code. A live panel is an `IbPanel`, made only by `buildIbPanel` from branded IB
 * bars; research panels are `AlphaPanel`s; handing one where the other belongs is a compile error,
 * and both `decide` and `buildIbPanel` check the source at run time.
 *
 * Snapshots (`decision_snapshots`, append-only): project id + parameter version, trading date, as-of
 * close, model version, data source, a digest of each symbol's input bars, scores, weights before and
 * after the risk stage with a reason per cut, all parameters; `contentHash` = sha256 of the canonical
 * JSON of all of it. Same inputs -> same hash, in any process and on either database.
 *
 * DecisionService (the surface the weekly pipeline calls; stable):
 * - `decideAndFreeze({ projectId, tradingDate, actor? })` -> `{ snapshot, created }`. A date that has
 *   a current snapshot returns it (created false). Errors (InputError, nothing stored): unknown
 *   project (`projectId`), a day that is not an NYSE trading day (`tradingDate`), no trained model
 *   for the project's current parameter version (`modelVersion`), incomplete bars under the
 *   project's `decision.missingBars: 'fail'` (`bars`, listing each symbol and why).
 * - `preview(request)` -> `{ content, contentHash }`: the same, stored nowhere (dry run).
 * - `redecide(snapshotId, reason, actor)`: an explicit, audited re-decision; the new snapshot names
 *   the one it supersedes (id, hash, reason) and becomes the date's current decision.
 * - `get(id)`, `verify(id)` -> `{ ok, problems }`, `list(projectId)`.
 * - `freezeManual({ projectId, tradingDate, weights, fileHash, actor })`: a person's weights as a
 *   `manual` snapshot (execution's manual path does this itself).
 * - `freezeFallback({ projectId, tradingDate, sourceSnapshotId, reason, actor? })`: last-good
 *   fallback: an earlier snapshot's weights frozen as this date's decision (kind `fallback`).
 * - `parity(runId)`: recompute the run's decision from stored inputs, bit for bit or first difference.
 * - `parityAgainstAlpha(runId)`: the research backtest's decision (Alpha data, same model, parameters
 *   and previous weights) for the run's date beside the live weights, with the IB/Alpha close
 *   differences per symbol; coded ConflictErrors for a manual/fallback snapshot
 *   (PARITY_NOT_MODEL_DECISION) and symbols without an Alpha bar on the decision close
 *   (PARITY_NO_ALPHA_DATA, naming them).
 *
 * SnapshotStore is the table alone (insert with audit, get, verify, requireVerified, freezeManual);
 * execution creates runs from it and refuses one whose snapshot does not verify.
 */

export type {
  AlphaParityResult,
  AlphaParitySymbol,
  ParityResult,
  Snapshot,
  SnapshotContent,
  SnapshotSummary,
  SnapshotVerify,
} from '../contract/decisions.js';
export * from '../decide/index.js';
export { type AlphaParityInput, compareWithAlpha, symbolsWithoutAlphaClose } from './alpha-parity.js';
export {
  type BarDigest,
  buildIbPanel,
  type DroppedSymbol,
  digestBars,
  type MissingReason,
} from './ib-panel.js';
export {
  type DecideRequest,
  type DecisionPreview,
  DecisionService,
  type DecisionServiceDeps,
  defaultTradingDate,
  type FallbackRequest,
  firstDifference,
} from './service.js';
export {
  canonicalHash,
  contentHash,
  type DefensiveFreeze,
  type ManualFreeze,
  SnapshotStore,
  verifyRow,
} from './store.js';
