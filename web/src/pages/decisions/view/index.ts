/** The snapshot routes (a project's list, one snapshot, a run's snapshot): their own lazily loaded chunk. */
export { RunSnapshotPage, SnapshotListPage, SnapshotPage } from './SnapshotPages';
