export interface EventFrame {
  event: string;
  data: unknown;
}

/** Opens the server-sent event stream at `url` and collects its frames until closed. */
export async function openEventStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no event stream');
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: EventFrame[] = [];
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (event && data) frames.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    frames,
    async waitFor(name: string, timeoutMs = 5000): Promise<EventFrame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find((f) => f.event === name);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no ${name} event; got ${frames.map((f) => f.event).join(',')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}
