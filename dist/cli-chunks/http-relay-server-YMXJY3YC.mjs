import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{createHttpRelayServer}from"./chunk-OJ6EJAKT.mjs";import"./chunk-QSPHUMNK.mjs";import"./chunk-36VBI63Y.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-5C43CMSX.mjs";import"./chunk-ZJOCGWGY.mjs";import"./chunk-CHI5CAXD.mjs";export{createHttpRelayServer};
