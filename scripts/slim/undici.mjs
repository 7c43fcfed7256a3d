/**
 * The part of undici the engine uses, without undici's index.js. scripts/build.mjs
 * resolves `undici` imported from src/engine/ to this file, because index.js also
 * loads fetch, WebSocket, EventSource, the cache stores, mocks, proxy agents and
 * interceptors: `require('undici')` took ~140 ms against ~50 ms for the dispatchers
 * below on the 2-core bench machine, and time to first request is a benchmark target.
 *
 * Same modules, same objects as `import … from 'undici'` (test/build/slim-deps.test.ts
 * checks identity), and the same Dispatcher.prototype API that index.js installs.
 * A name the engine imports but this file lacks fails the build.
 */
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

Object.assign(Dispatcher.prototype, api);

export { Dispatcher };
export { default as Agent } from 'undici/lib/dispatcher/agent.js';
export { default as Client } from 'undici/lib/dispatcher/client.js';
export { default as Pool } from 'undici/lib/dispatcher/pool.js';
export { default as buildConnector } from 'undici/lib/core/connect.js';
export { default as errors } from 'undici/lib/core/errors.js';
