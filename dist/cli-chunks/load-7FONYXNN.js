import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  loadPlan,
  loadPlanFile,
  planHash
} from "./chunk-ZVCZBYNT.js";
import "./chunk-Z3TEJVCP.js";
import "./chunk-KBULCXRD.js";
import "./chunk-NDBRKXYU.js";
import "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";
export {
  loadPlan,
  loadPlanFile,
  planHash
};
