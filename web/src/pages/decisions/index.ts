/**
 * Decision snapshots in the UI. The routes (snapshot view, a project's snapshot list) are the
 * `view` submodule, loaded lazily by App; here are the small pieces other pages embed: links from runs, orders and fills,
 * the live signal version card and the parity button.
 */

export { AlphaParityButton } from './AlphaParity';
export { RunIdSnapshotLink, RunSnapshotLink, SnapshotLink } from './links';
export { projectSnapshotsPath, runSnapshotPath, snapshotPath } from './model';
export { ParityButton, RunParity } from './ParityButton';
export { SignalVersionCard } from './SignalVersionCard';
