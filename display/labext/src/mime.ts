// MIME types and payload versions shared with the Go side (display/mime.go).
// display/mime_labext_test.go checks that these strings match the Go constants.

/** MIME type of a latent table (display.Table). */
export const MIME_LATENTS = 'application/vnd.gophys.latents+json';

/** MIME type of a live training progress display (display.NewProgress). */
export const MIME_PROGRESS = 'application/vnd.gophys.progress+json';

/** Highest latent-table schema version this extension understands. */
export const LATENTS_VERSION = 1;

/** Highest progress schema version this extension understands. */
export const PROGRESS_VERSION = 1;
