// The check lives in shared/ because the worker's metrics port uses it too.
export { createBearerTokenVerifier } from '../../shared/crypto/bearerToken.ts';
