import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  bearerOf,
  newToken,
  tokenMatches
} from "./chunk-ZGXLVFZK.js";
import "./chunk-45V4WZAN.js";
export {
  bearerOf,
  newToken,
  tokenMatches
};
