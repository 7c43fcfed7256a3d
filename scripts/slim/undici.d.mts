// Types of undici.mjs: a subset of undici's exports, the same objects.
export { Agent, Client, Pool, Dispatcher, buildConnector, errors } from 'undici';
