import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{createHttpRelayServer}from"./chunk-RXWDVJSR.mjs";import"./chunk-LTV3CXGG.mjs";import"./chunk-WKQ573TL.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-JNDT772M.mjs";import"./chunk-ZJOCGWGY.mjs";import"./chunk-CHI5CAXD.mjs";export{createHttpRelayServer};
