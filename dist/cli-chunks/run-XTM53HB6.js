import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  command,
  runCommand
} from "./chunk-66GQ3K2M.js";
import "./chunk-BA5GNYJW.js";
import "./chunk-A3A3S3JN.js";
import "./chunk-3TBED6VK.js";
import "./chunk-NZWGBMD6.js";
import "./chunk-ZA3573VQ.js";
import "./chunk-ZVCZBYNT.js";
import "./chunk-Z3TEJVCP.js";
import "./chunk-EFYEXXOE.js";
import "./chunk-KBULCXRD.js";
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
  command,
  runCommand
};
