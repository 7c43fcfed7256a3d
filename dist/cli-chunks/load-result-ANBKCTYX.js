import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{parseResult,readResultFile}from"./chunk-K6XQJ5FE.js";import"./chunk-CEGCIB2H.js";import"./chunk-HV2QLFYI.js";import"./chunk-LW47XMDR.js";import"./chunk-VZHPOWIU.js";import"./chunk-BV3XFL6S.js";export{parseResult,readResultFile};
