import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import{dataPathProblem,neverReadable,parseEnvNames,parsePaths}from"./chunk-EBLOG5MU.mjs";import"./chunk-BFHUAGGH.mjs";import"./chunk-CHI5CAXD.mjs";export{dataPathProblem,neverReadable,parseEnvNames,parsePaths};
