import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{loadPlan,loadPlanFile,planHash}from"./chunk-VCNF7UPF.mjs";import"./chunk-5PKJ5CNH.mjs";import"./chunk-ZZ4TGQYV.mjs";import"./chunk-EAEPPC47.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-JNDT772M.mjs";import"./chunk-CHI5CAXD.mjs";export{loadPlan,loadPlanFile,planHash};
