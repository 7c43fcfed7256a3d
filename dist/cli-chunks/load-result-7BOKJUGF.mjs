import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{parseResult,readResultFile}from"./chunk-FJQNHMEV.mjs";import"./chunk-V47JRR3X.mjs";import"./chunk-EMRXSLUD.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-JNDT772M.mjs";import"./chunk-CHI5CAXD.mjs";export{parseResult,readResultFile};
