import type { HandlerRegistry } from './syncHandler.ts';

/**
 * The sync handlers of this version, one per event kind. A kind missing here fails its
 * events permanently with "no handler for <kind>" (visible, and re-queueable with
 * `bin/jobs retry` once a version that handles it is deployed). The Zoho → Moodle and
 * Moodle → Zoho handlers arrive with the clients (issues 3–7).
 */
export const handlers: HandlerRegistry = {};
