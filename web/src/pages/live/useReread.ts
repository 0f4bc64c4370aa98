import { type Dispatch, type SetStateAction, useCallback, useEffect, useState } from 'react';
import { useServerEvent } from '../../events';
import { failure, type Loadable } from './model';

/**
 * Loads at once, again every `everyMs`, and after each event-stream (re)connection (`hello`: what was
 * missed while disconnected). `fetch` must be stable (useCallback); a new one reloads. The setter lets
 * a pushed event replace the state between reads.
 */
export function useReread<T>(
  fetch: () => Promise<T>,
  everyMs: number,
): [Loadable<T>, Dispatch<SetStateAction<Loadable<T>>>] {
  const [state, setState] = useState<Loadable<T>>({ kind: 'loading' });
  const load = useCallback(() => {
    fetch()
      .then((data) => setState({ kind: 'ready', data }))
      .catch((error: unknown) => setState(failure(error)));
  }, [fetch]);
  useEffect(() => {
    load();
    const timer = window.setInterval(load, everyMs);
    return () => window.clearInterval(timer);
  }, [load, everyMs]);
  useServerEvent('hello', load);
  return [state, setState];
}
