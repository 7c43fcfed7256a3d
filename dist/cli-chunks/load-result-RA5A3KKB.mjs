import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{parseResult,readResultFile}from"./chunk-ZTN4EC4W.mjs";import"./chunk-SH2A6NQN.mjs";import"./chunk-EMRXSLUD.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-5C43CMSX.mjs";import"./chunk-CHI5CAXD.mjs";export{parseResult,readResultFile};
