import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{bearerOf,newToken,tokenMatches}from"./chunk-OC4YICN3.js";import"./chunk-BV3XFL6S.js";export{bearerOf,newToken,tokenMatches};
