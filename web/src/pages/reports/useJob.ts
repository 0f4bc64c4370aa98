import { useCallback, useEffect, useRef, useState } from 'react';
import type { Job, JobProgressEvent, JobStatus, Message } from '../../api';
import { useServerEvent } from '../../events';
import { researchApi } from './researchApi';

export interface JobView {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string;
  text: Message | null;
  error: string | null;
  result: unknown;
}

const POLL_MS = 1500;

function fromJob(job: Job): JobView {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    message: job.message,
    text: job.text ?? null,
    error: job.error,
    result: job.result,
  };
}

export function isFinished(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/**
 * Follows one job: live through `job.progress` events, with a slow poll as a safety net because
 * events sent while the stream was reconnecting are lost (and the final job carries the result).
 */
export function useJob(onFinished?: (job: JobView) => void): {
  job: JobView | null;
  track: (job: Job) => void;
  clear: () => void;
} {
  const [job, setJob] = useState<JobView | null>(null);
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;
  const reported = useRef<number | null>(null);
  const currentId = useRef<number | null>(null);

  const settle = useCallback((next: JobView) => {
    currentId.current = next.id;
    setJob(next);
    if (isFinished(next.status) && reported.current !== next.id) {
      reported.current = next.id;
      finishedRef.current?.(next);
    }
  }, []);

  const track = useCallback(
    (started: Job) => {
      reported.current = null;
      settle(fromJob(started));
    },
    [settle],
  );

  const clear = useCallback(() => {
    currentId.current = null;
    setJob(null);
  }, []);

  useServerEvent('job.progress', (event: JobProgressEvent) => {
    setJob((current) => {
      if (!current || current.id !== event.id || isFinished(current.status)) return current;
      // The event carries no result: a finished job is read once more (below) to get it.
      const said = { message: event.message, text: event.text ?? null };
      if (isFinished(event.status)) return { ...current, progress: event.progress, ...said };
      return { ...current, status: event.status, progress: event.progress, ...said };
    });
    if (isFinished(event.status) && currentId.current === event.id) {
      researchApi
        .job(event.id)
        .then(({ job: fresh }) => {
          if (currentId.current === fresh.id) settle(fromJob(fresh));
        })
        .catch(() => {
          // The poll below tries again.
        });
    }
  });

  const activeId = job && !isFinished(job.status) ? job.id : null;
  useEffect(() => {
    if (activeId === null) return;
    let cancelled = false;
    const poll = () => {
      researchApi
        .job(activeId)
        .then(({ job: fresh }) => {
          if (!cancelled) settle(fromJob(fresh));
        })
        .catch(() => {
          // A transient failure: the next tick tries again.
        });
    };
    const timer = window.setInterval(poll, POLL_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [activeId, settle]);

  return { job, track, clear };
}
