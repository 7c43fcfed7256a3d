import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  parseResult,
  readResultFile
} from "./chunk-UGZJX5Y6.js";
import "./chunk-L2HGLDIH.js";
import "./chunk-NDBRKXYU.js";
import "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";
export {
  parseResult,
  readResultFile
};
