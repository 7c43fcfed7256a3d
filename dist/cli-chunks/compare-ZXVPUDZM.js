import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  MIN_INTERVALS,
  compareResults
} from "./chunk-QOXE73MN.js";
import "./chunk-NZWGBMD6.js";
import "./chunk-45V4WZAN.js";
export {
  MIN_INTERVALS,
  compareResults
};
