import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{createHttpRelayServer}from"./chunk-A3I3EJ7T.mjs";import"./chunk-SVEW7AII.mjs";import"./chunk-RXUNPIZ7.mjs";import"./chunk-ZJOCGWGY.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";export{createHttpRelayServer};
