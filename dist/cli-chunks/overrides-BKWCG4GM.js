import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  applyOverrides
} from "./chunk-EFYEXXOE.js";
import "./chunk-45V4WZAN.js";
export {
  applyOverrides
};
