import { COMMON_PASSWORDS } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 12;
const MIN_DISTINCT_CHARACTERS = 5;
const common = new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase()));

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (common.has(password.toLowerCase())) return 'is on the list of common passwords; choose another';
  // 'aaaaaaaaaaaa' or 'abababababab' pass the length rule but are guessed at once.
  if (new Set(password.toLowerCase()).size < MIN_DISTINCT_CHARACTERS) {
    return `must use at least ${MIN_DISTINCT_CHARACTERS} different characters`;
  }
  return undefined;
}
