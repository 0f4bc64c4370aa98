/**
 * The demo's names, shared with the web app: the demo stores no free-text description (it would be in
 * one language), and the UI shows its own description of the demo's theme and project, in the UI
 * language, when they carry these names and no description of their own.
 */
export const DEMO_THEME_NAME = 'Demo 30';
export const DEMO_PROJECT_NAME = 'Demo weekly momentum';
