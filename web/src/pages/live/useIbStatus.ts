import { useCallback, useEffect, useState } from 'react';
import type { IbStatus } from '../../api';
import { useServerEvent } from '../../events';
import { liveApi } from './live-api';
import { failure, type Loadable } from './model';

/** The IB connection status: fetched, then kept fresh by `ib.status` events (sent on change and every 5 s). */
export function useIbStatus(): { state: Loadable<IbStatus>; refresh(): void } {
  const [state, setState] = useState<Loadable<IbStatus>>({ kind: 'loading' });

  const refresh = useCallback(() => {
    liveApi
      .ibStatus()
      .then((data) => setState({ kind: 'ready', data }))
      .catch((error: unknown) => setState(failure(error)));
  }, []);

  useEffect(refresh, [refresh]);
  useServerEvent('ib.status', (data) => setState({ kind: 'ready', data }));
  // The runtime may have started since, and events sent while the stream was down are lost.
  useServerEvent('hello', refresh);
  return { state, refresh };
}
