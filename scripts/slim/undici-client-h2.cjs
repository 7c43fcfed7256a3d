'use strict';
/**
 * undici's client.js requires client-h2.js at load, and client-h2.js requires
 * node:http2 at load: ~16–24 ms on the 2-core bench machine (node -e
 * "require('node:http2')"), before the first request (a benchmark target). client.js
 * calls it only for a socket whose ALPN chose h2 (`allowH2`; the engine speaks
 * HTTP/1.1). scripts/build.mjs resolves that one require to this file: the same
 * function, loaded on first use.
 */
let connectH2;

module.exports = function connectH2Lazy(client, socket) {
  connectH2 ??= require('undici/lib/dispatcher/client-h2.js');
  return connectH2(client, socket);
};
