import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Replaces every known secret value in log output with its mask. Field-based redaction catches the
 * fields we know about; this catches a secret wherever it ends up (an error message, a URL, ...).
 */
export class SecretScrubber {
  private secrets: Array<{ value: string; mask: string }> = [];

  constructor(private readonly maskFor: (value: string) => string) {}

  setSecrets(values: Iterable<string>): void {
    this.secrets = [...new Set(values)]
      .filter((v) => v.length >= 4)
      .sort((a, b) => b.length - a.length)
      .map((value) => ({ value, mask: this.maskFor(value) }));
  }

  scrub(text: string): string {
    let out = text;
    for (const { value, mask } of this.secrets) {
      if (out.includes(value)) out = out.split(value).join(mask);
    }
    return out;
  }
}

const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.secret',
];

export interface LoggerOptions {
  level: string;
  scrubber: SecretScrubber;
  /** Defaults to stdout; tests pass a collector. */
  sink?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? ((line: string) => process.stdout.write(line));
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      sink(options.scrubber.scrub(chunk.toString()));
      done();
    },
  });
  return pino({ level: options.level, redact: { paths: REDACT_PATHS, censor: '****' } }, stream);
}
