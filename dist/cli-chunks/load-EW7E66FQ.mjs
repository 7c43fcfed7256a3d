import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{loadPlan,loadPlanFile,planHash}from"./chunk-TGDU5H2F.mjs";import"./chunk-623JJYPY.mjs";import"./chunk-EAEPPC47.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-JNDT772M.mjs";import"./chunk-CHI5CAXD.mjs";export{loadPlan,loadPlanFile,planHash};
