/**
 * The AWS Private CA client, in a module of its own so that it is loaded only when a walkthrough uses Private
 * CA. A static import here (not `await import('@aws-sdk/client-acm-pca')` in clients.ts): esbuild turns a
 * dynamic import of a CommonJS package into a chunk with a default export only, while a static import of it
 * inside an ES module gets the named exports.
 */
export {ACMPCAClient} from '@aws-sdk/client-acm-pca';
