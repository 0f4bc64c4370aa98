/** The message of whatever a failed request threw, fit to show to the user. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
