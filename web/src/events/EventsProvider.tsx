import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { EVENTS_URL, type ServerEventName, type ServerEvents } from '../api';

type Handler<N extends ServerEventName> = (data: ServerEvents[N]) => void;
type AnyHandler = (data: unknown) => void;

interface EventsContextValue {
  /** True while the event stream is open. */
  connected: boolean;
  subscribe<N extends ServerEventName>(name: N, handler: Handler<N>): () => void;
}

const EventsContext = createContext<EventsContextValue | null>(null);

const KNOWN_EVENTS: readonly ServerEventName[] = [
  'hello',
  'settings.changed',
  'audit.appended',
  'trading.status',
  'job.progress',
  'ib.status',
  'ib.quote',
  'account.update',
  'risk.state',
  'risk.status',
];

/**
 * One EventSource for the whole signed-in app. The browser reconnects by itself after a drop; the
 * server greets every (re)connection with `hello`, which subscribers use to refetch what they may
 * have missed while disconnected.
 */
export function EventsProvider({ children }: { children: ReactNode }) {
  const handlers = useRef(new Map<ServerEventName, Set<AnyHandler>>());
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(EVENTS_URL);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    for (const name of KNOWN_EVENTS) {
      source.addEventListener(name, (event: MessageEvent<string>) => {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        for (const handler of handlers.current.get(name) ?? []) handler(data);
      });
    }
    return () => source.close();
  }, []);

  const subscribe = useCallback(<N extends ServerEventName>(name: N, handler: Handler<N>) => {
    let set = handlers.current.get(name);
    if (!set) {
      set = new Set();
      handlers.current.set(name, set);
    }
    const stored = handler as AnyHandler;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  }, []);

  const value = useMemo(() => ({ connected, subscribe }), [connected, subscribe]);
  return <EventsContext value={value}>{children}</EventsContext>;
}

export function useEvents(): EventsContextValue {
  const context = useContext(EventsContext);
  if (!context) throw new Error('useEvents must be used inside <EventsProvider>');
  return context;
}

/** Runs `handler` for every `name` event while the calling component is mounted. */
export function useServerEvent<N extends ServerEventName>(name: N, handler: Handler<N>): void {
  const { subscribe } = useEvents();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => subscribe(name, (data) => latest.current(data)), [subscribe, name]);
}
