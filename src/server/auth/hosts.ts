const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Which `Host` headers the server answers. A DNS-rebinding page reaches the loopback listener under
 * the attacker's own name, so only the loopback names with the real port and the configured public
 * names (a reverse proxy's) are accepted.
 */
export class HostAllowList {
  private readonly loopback: Set<string>;
  private readonly names = new Set<string>();
  private readonly namesWithPort = new Set<string>();

  /**
   * `listenPort` is read on each check: with port 0 it is known only once the server listens.
   * `publicHostnames` entries without a port match that name on any port.
   */
  constructor(
    listenHost: string,
    private readonly listenPort: () => number | undefined,
    publicHostnames: readonly string[],
  ) {
    const own = hostWithBrackets(listenHost.toLowerCase());
    this.loopback = new Set(LOOPBACK_NAMES);
    // A wildcard bind (0.0.0.0, ::) is not a name anyone can type; loopback names still work.
    if (own !== '0.0.0.0' && own !== '[::]') this.loopback.add(own);
    for (const entry of publicHostnames) {
      const lower = entry.toLowerCase();
      if (/:[0-9]+$/.test(lower) && !lower.endsWith(']')) this.namesWithPort.add(lower);
      else this.names.add(lower);
    }
  }

  allows(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    const host = hostHeader.trim().toLowerCase();
    const { name, port } = splitHost(host);
    if (this.namesWithPort.has(host) || this.names.has(name)) return true;
    if (!this.loopback.has(name)) return false;
    const listening = this.listenPort();
    if (listening === undefined) return false;
    return port === String(listening) || (port === '' && listening === 80);
  }
}

function hostWithBrackets(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function splitHost(host: string): { name: string; port: string } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::([0-9]*))?$/.exec(host);
  if (!match) return { name: host, port: '' };
  return { name: match[1] ?? '', port: match[2] ?? '' };
}
