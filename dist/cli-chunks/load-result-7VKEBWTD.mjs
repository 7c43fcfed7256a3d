import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{parseResult,readResultFile}from"./chunk-RZN4P45N.mjs";import"./chunk-EWQMFZNM.mjs";import"./chunk-EMRXSLUD.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";export{parseResult,readResultFile};
