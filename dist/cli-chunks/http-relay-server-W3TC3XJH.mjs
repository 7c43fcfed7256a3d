import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{createHttpRelayServer}from"./chunk-L4TY3WYS.mjs";import"./chunk-3EMSL6BC.mjs";import"./chunk-ZNKPNVCW.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-ZJOCGWGY.mjs";import"./chunk-CHI5CAXD.mjs";export{createHttpRelayServer};
