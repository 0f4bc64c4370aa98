import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Failure } from './errorText';

export interface ListSelectionLoaders<List, Detail> {
  /** Loads the list for a search (`''` when there is none). */
  loadList: (query: string) => Promise<List>;
  /** Loads the detail of the selected row. */
  loadDetail: (id: number) => Promise<Detail>;
}

/** The state of a search box bound to the `q` of the address bar. */
export interface SearchBoxState {
  text: string;
  setText: (text: string) => void;
  submit: (value: string) => void;
}

export interface ListSelection<List, Detail> {
  /** The search in the address bar (`q`), as last rendered. */
  query: string;
  /** The selected row in the address bar (`id`), as last rendered. */
  selectedId: number | null;
  select: (id: number | null) => void;
  search: SearchBoxState;
  list: List | null;
  /** Kept as what was thrown so its text follows the UI language (errorText at render). */
  listError: Failure | null;
  reloadList: () => void;
  detail: Detail | null;
  detailError: Failure | null;
  reloadDetail: () => void;
  /** Shows a detail the page already has (e.g. the answer to a save) without asking again. */
  showDetail: (detail: Detail | null) => void;
}

function readParams(): URLSearchParams {
  // From the address bar, not a render's snapshot: two quick changes must not undo each other.
  return new URLSearchParams(window.location.search);
}

/**
 * The address-bar state of a list/detail page (`q` = search, `id` = selected row) and the loading
 * of its list and of the selected row's detail, where only the answer to the latest request may land.
 */
export function useListSelection<List, Detail>(
  loaders: ListSelectionLoaders<List, Detail>,
): ListSelection<List, Detail> {
  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.get('q') ?? '';
  const selectedId = Number(searchParams.get('id')) || null;

  // Pages may pass new functions on every render; the loads must not restart because of that.
  const latestLoaders = useRef(loaders);
  useEffect(() => {
    latestLoaders.current = loaders;
  });

  const setParams = useCallback(
    (changes: { q?: string; id?: number | null }) => {
      const next = readParams();
      if (changes.q !== undefined) {
        if (changes.q) next.set('q', changes.q);
        else next.delete('q');
      }
      if (changes.id !== undefined) {
        if (changes.id) next.set('id', String(changes.id));
        else next.delete('id');
      }
      setSearchParams(next);
    },
    [setSearchParams],
  );
  const select = useCallback((id: number | null) => setParams({ id }), [setParams]);

  const [list, setList] = useState<List | null>(null);
  const [listError, setListError] = useState<Failure | null>(null);
  const [listVersion, setListVersion] = useState(0);
  const reloadList = useCallback(() => setListVersion((version) => version + 1), []);
  useEffect(() => {
    // listVersion is a reload request; only the answer to the latest query may land.
    void listVersion;
    let current = true;
    setListError(null);
    latestLoaders.current
      .loadList(query)
      .then((answer) => current && setList(answer))
      .catch((error: unknown) => current && setListError({ reason: error }));
    return () => {
      current = false;
    };
  }, [query, listVersion]);

  const [detail, setDetail] = useState<Detail | null>(null);
  const [detailError, setDetailError] = useState<Failure | null>(null);
  const detailRequest = useRef(0);
  const reloadDetail = useCallback(() => {
    // Clicking through rows quickly: only the answer for the last click may land.
    const request = ++detailRequest.current;
    setDetailError(null);
    if (!selectedId) {
      setDetail(null);
      return;
    }
    latestLoaders.current
      .loadDetail(selectedId)
      .then((answer) => request === detailRequest.current && setDetail(answer))
      .catch((error: unknown) => {
        if (request !== detailRequest.current) return;
        setDetail(null);
        setDetailError({ reason: error });
      });
  }, [selectedId]);
  useEffect(reloadDetail, [reloadDetail]);
  const showDetail = useCallback((shown: Detail | null) => {
    // A request still under way is older than what the page now shows.
    detailRequest.current++;
    setDetailError(null);
    setDetail(shown);
  }, []);

  const search = useSearchBox(query, setParams);

  return {
    query,
    selectedId,
    select,
    search,
    list,
    listError,
    reloadList,
    detail,
    detailError,
    reloadDetail,
    showDetail,
  };
}

/**
 * The address bar updates at once but the page re-renders later (router transitions); by then the
 * user may be typing the next search. A render of a search that came from this box, even an older
 * one, must never overwrite what is typed; only a query from elsewhere (back, forward, a link) may.
 */
function useSearchBox(query: string, setParams: (changes: { q: string }) => void): SearchBoxState {
  const [text, setText] = useState(query);
  // Searches sent from the box that have not been rendered yet, oldest first.
  const sentFromBox = useRef<string[]>([]);
  useEffect(() => {
    const sent = sentFromBox.current.indexOf(query);
    if (sent >= 0) {
      // Renders may skip searches sent in between; those are no longer waited for either.
      sentFromBox.current = sentFromBox.current.slice(sent + 1);
      return;
    }
    sentFromBox.current = [];
    setText(query);
  }, [query]);
  const submit = useCallback(
    (value: string) => {
      const q = value.trim();
      // Sending the search already in the address bar changes nothing, so no render will come.
      if (q !== (readParams().get('q') ?? '')) sentFromBox.current.push(q);
      setParams({ q });
    },
    [setParams],
  );
  return { text, setText, submit };
}
