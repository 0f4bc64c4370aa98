import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';

// The pipeline tab (timeline, report charts) arrives in its own chunk the first time the tab opens,
// so the Projects and Live Trading pages' first load does not carry it.
const Panel = lazy(async () => ({ default: (await import('./PipelinePanel')).PipelinePanel }));

/** The weekly pipeline of a project, loaded on demand. */
export function PipelinePanel({ projectId }: { projectId: number }) {
  return (
    <Suspense fallback={<Skeleton active />}>
      <Panel projectId={projectId} />
    </Suspense>
  );
}
