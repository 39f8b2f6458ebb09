/**
 * The webhook secret the simulated Moodle plugin signs with until a test or the sandbox sets its
 * own (the tests' MOODLE_SECRET, tests/helpers/signing.ts, is this value). A made-up value:
 * never a secret of a real site.
 */
export const SIMULATED_MOODLE_SECRET = `whsec_${Buffer.from('moodle-test-secret-32-bytes-long').toString('base64')}`;
