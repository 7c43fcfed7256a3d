import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{createHttpRelayServer}from"./chunk-GBA4P7O3.js";import"./chunk-5FKFKBHR.js";import"./chunk-4G2R2QJX.js";import"./chunk-LW47XMDR.js";import"./chunk-VZHPOWIU.js";import"./chunk-OC4YICN3.js";import"./chunk-BV3XFL6S.js";export{createHttpRelayServer};
