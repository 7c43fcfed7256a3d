import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{bearerOf,newToken,tokenMatches}from"./chunk-ZJOCGWGY.mjs";import"./chunk-CHI5CAXD.mjs";export{bearerOf,newToken,tokenMatches};
