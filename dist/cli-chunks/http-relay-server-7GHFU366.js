import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  createHttpRelayServer
} from "./chunk-ZENVEYUH.js";
import "./chunk-7MPSUP2M.js";
import "./chunk-VOZ25BS7.js";
import "./chunk-NDBRKXYU.js";
import "./chunk-QE7CO3VA.js";
import "./chunk-ZGXLVFZK.js";
import "./chunk-45V4WZAN.js";
export {
  createHttpRelayServer
};
