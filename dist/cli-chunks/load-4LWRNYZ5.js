import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{loadPlan,loadPlanFile,planHash}from"./chunk-L6U4AM5M.js";import"./chunk-JP2VNB6F.js";import"./chunk-5B7ULQIW.js";import"./chunk-LW47XMDR.js";import"./chunk-VZHPOWIU.js";import"./chunk-BV3XFL6S.js";export{loadPlan,loadPlanFile,planHash};
