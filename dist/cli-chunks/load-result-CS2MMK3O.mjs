import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{parseResult,readResultFile}from"./chunk-DOMY2IHJ.mjs";import"./chunk-RYH4XT65.mjs";import"./chunk-EMRXSLUD.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";export{parseResult,readResultFile};
