/**
 * IB connection alerts. A disconnect pages only after a grace period (a gateway's nightly restart
 * should not wake anyone); once raised, the alert stays open and counts every further drop until the
 * connection has stayed up for a stable period, then one recovery goes out. So a flapping link pages
 * once, with the count. A link down for longer than the login limit also reports that the gateway
 * probably needs a login. A deliberate stop (settings change, lease given up) is not a disconnect.
 * Inside a restart window (the gateway's daily restart, the weekly re-login) a disconnect is expected
 * and pages nobody; a gateway still down some minutes after that window is reported as needing a login.
 */
import type { ConnectionPort, ConnectionState } from '../brokerage/index.js';
import type { DeliveryLogger } from './delivery.js';
import { type AlertTarget, enqueueAlert, openAlert } from './outbox.js';

export interface IbWatchTimings {
  graceMs: number;
  stableMs: number;
  loginMs: number;
  /** How often an expected outage is checked against the clock (default 1 s). */
  windowCheckMs?: number;
}

/** The gateway's restart windows as the watcher needs them (built by src/ops from the settings). */
export interface ExpectedOutages {
  windowAt(nowMs: number): { kind: string; startMs: number; endMs: number } | null;
  loginAfterMs: number;
}

const DEDUPE_KEY = 'ib.connection';

function isDown(state: ConnectionState): boolean {
  return (state.status === 'DISCONNECTED' || state.status === 'CONNECTING') && state.reason !== 'stopped';
}

export class IbConnectionAlerts {
  private downSinceMs: number | null = null;
  /** Start of the outage the open alert is about (its first drop). */
  private outageStartMs: number | null = null;
  private everConnected = false;
  private raised = false;
  private disconnects = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private loginTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private windowTimer: NodeJS.Timeout | undefined;
  private wasDown = false;
  private readonly unsubscribe: () => void;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly target: AlertTarget,
    private readonly connection: Pick<ConnectionPort, 'state' | 'onStateChange'>,
    private readonly where: { host: string; port: number },
    private readonly timings: IbWatchTimings,
    private readonly logger?: DeliveryLogger,
    private readonly expected?: ExpectedOutages,
  ) {
    this.unsubscribe = connection.onStateChange((state) => this.onState(state));
    // A disconnect raised before a restart is still open: its recovery is ours to send.
    this.serial(async () => {
      const open = await openAlert(target, 'ib.disconnected', DEDUPE_KEY);
      if (open && !this.raised) {
        this.raised = true;
        this.disconnects = open.occurrences;
        this.outageStartMs = Date.parse(open.createdAt);
        const status = this.connection.state().status;
        if (status === 'CONNECTED' || status === 'DEGRADED') this.onUp();
        else {
          // Not connected yet: the first connection is the recovery of that outage.
          this.everConnected = true;
          this.wasDown = true;
        }
      }
    });
  }

  /** Resolves when every alert this watcher decided on is in the outbox (tests). */
  idle(): Promise<unknown> {
    return this.chain;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const timer of [this.graceTimer, this.loginTimer, this.stableTimer]) if (timer) clearTimeout(timer);
    clearInterval(this.windowTimer);
  }

  /** True while the connection is down inside a restart window (a run due now waits for it). */
  expectedOutage(): boolean {
    return this.windowTimer !== undefined;
  }

  private onState(state: ConnectionState): void {
    if (this.closed) return;
    if (state.status === 'CONNECTED' || state.status === 'DEGRADED') {
      this.everConnected = true;
      if (this.wasDown) this.onUp();
      this.wasDown = false;
      return;
    }
    // Only a replica that was connected can lose the connection; the others never held it.
    if (!isDown(state) || !this.everConnected || this.wasDown) return;
    this.wasDown = true;
    this.onDown(state);
  }

  private onDown(state: ConnectionState): void {
    const nowMs = this.target.clock.nowMs();
    this.downSinceMs = nowMs;
    this.outageStartMs ??= nowMs;
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = undefined;
    this.disconnects += 1;
    const window = this.raised ? null : (this.expected?.windowAt(nowMs) ?? null);
    if (window) {
      this.watchWindow(window.endMs);
      return;
    }
    if (this.raised) {
      // Counted on the open alert; nothing new is sent.
      this.raise(state);
    } else {
      this.graceTimer = setTimeout(() => this.raise(this.connection.state()), this.timings.graceMs);
      this.graceTimer.unref();
    }
    this.loginTimer = setTimeout(() => {
      const downSeconds = (this.target.clock.nowMs() - (this.downSinceMs ?? nowMs)) / 1000;
      this.serial(() =>
        enqueueAlert(this.target, {
          kind: 'gateway.login-needed',
          dedupeKey: DEDUPE_KEY,
          params: { ...this.where, downSeconds },
        }),
      );
    }, this.timings.loginMs);
    this.loginTimer.unref();
  }

  /**
   * An expected outage: nothing is sent unless the gateway is still down `loginAfterMs` after the
   * window's end. Checked against the clock on a tick, so a clock moved through the window counts.
   */
  private watchWindow(endMs: number): void {
    const deadlineMs = endMs + (this.expected?.loginAfterMs ?? 0);
    const check = () => {
      if (this.target.clock.nowMs() < deadlineMs) return;
      clearInterval(this.windowTimer);
      this.windowTimer = undefined;
      this.raised = true;
      const downSeconds = (this.target.clock.nowMs() - (this.downSinceMs ?? endMs)) / 1000;
      this.serial(() =>
        enqueueAlert(this.target, {
          kind: 'gateway.login-needed',
          dedupeKey: DEDUPE_KEY,
          params: { ...this.where, downSeconds },
        }),
      );
    };
    this.windowTimer = setInterval(check, this.timings.windowCheckMs ?? 1000);
    this.windowTimer.unref();
  }

  private raise({ reason, reasonCode }: ConnectionState): void {
    this.graceTimer = undefined;
    this.raised = true;
    const downSeconds = (this.target.clock.nowMs() - (this.downSinceMs ?? this.target.clock.nowMs())) / 1000;
    this.serial(() =>
      enqueueAlert(this.target, {
        kind: 'ib.disconnected',
        dedupeKey: DEDUPE_KEY,
        params: { ...this.where, reason, reasonCode: reasonCode ?? null, downSeconds },
      }),
    );
  }

  private onUp(): void {
    clearInterval(this.windowTimer);
    this.windowTimer = undefined;
    if (this.graceTimer) {
      // Back within the grace period: nothing was raised, nothing is sent.
      clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
      this.disconnects = Math.max(0, this.disconnects - 1);
    }
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.loginTimer = undefined;
    if (!this.raised) {
      this.outageStartMs = null;
      this.disconnects = 0;
      return;
    }
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => {
      this.stableTimer = undefined;
      const downSeconds =
        (this.target.clock.nowMs() -
          this.timings.stableMs -
          (this.outageStartMs ?? this.target.clock.nowMs())) /
        1000;
      const disconnects = this.disconnects;
      this.raised = false;
      this.disconnects = 0;
      this.outageStartMs = null;
      this.serial(() =>
        enqueueAlert(this.target, {
          kind: 'ib.reconnected',
          dedupeKey: DEDUPE_KEY,
          params: {
            ...this.where,
            downSeconds: Math.max(0, downSeconds),
            disconnects: Math.max(1, disconnects),
          },
        }),
      );
    }, this.timings.stableMs);
    this.stableTimer.unref();
  }

  private serial(step: () => Promise<unknown>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.logger?.error({ err: error }, 'alerts: could not record an IB connection alert');
    });
  }
}
