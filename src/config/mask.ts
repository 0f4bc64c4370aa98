/**
 * Masks a sensitive value so that a person can still recognise which one it is: the first two and
 * the last two characters survive when the value is long enough (`DU1234567` -> `DU****67`).
 */
export function maskSecret(value: string): string {
  if (value.length >= 8) return `${value.slice(0, 2)}****${value.slice(-2)}`;
  return '****';
}

/** True when a string looks like something `maskSecret` produced. */
export function isMasked(value: string): boolean {
  return /^(.{2})?\*{4}(.{2})?$/.test(value);
}
