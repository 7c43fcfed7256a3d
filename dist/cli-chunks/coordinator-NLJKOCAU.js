import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  runCoordinator
} from "./chunk-H2MXQH6F.js";
import "./chunk-LS33CLA3.js";
import "./chunk-DZFUAFA3.js";
import "./chunk-7LGARQTM.js";
import "./chunk-3ERMLBNY.js";
import "./chunk-IJ6DNMWR.js";
import "./chunk-ACBGIYP4.js";
import "./chunk-L2HGLDIH.js";
import "./chunk-NDBRKXYU.js";
import "./chunk-QE7CO3VA.js";
import "./chunk-45V4WZAN.js";
export {
  runCoordinator
};
