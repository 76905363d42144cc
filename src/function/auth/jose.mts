/**
 * The part of jose the verifier uses, in one ES module (jose ships ES
 * modules only): the bundler keeps just these, in a chunk loaded on the
 * first JWT. Importing the whole package dynamically would keep all of it.
 */
export { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
