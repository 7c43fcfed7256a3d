import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{loadPlan,loadPlanFile,planHash}from"./chunk-LFDWTD46.mjs";import"./chunk-623JJYPY.mjs";import"./chunk-EAEPPC47.mjs";import"./chunk-DVBCSMOX.mjs";import"./chunk-5C43CMSX.mjs";import"./chunk-CHI5CAXD.mjs";export{loadPlan,loadPlanFile,planHash};
