/** Fan-out of live updates to server-sent-event subscribers. */
export interface ServerEvent {
  name: string;
  data: unknown;
}

type Subscriber = (event: ServerEvent) => void;

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  publish(name: string, data: unknown): void {
    for (const subscriber of this.subscribers) subscriber({ name, data });
  }

  get size(): number {
    return this.subscribers.size;
  }
}
