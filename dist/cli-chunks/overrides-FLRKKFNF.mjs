import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{applyOverrides}from"./chunk-LQHHRNGC.mjs";import"./chunk-2FFUMRN7.mjs";import"./chunk-HYKCS4LS.mjs";import"./chunk-ZZ4TGQYV.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";export{applyOverrides};
