#!/usr/bin/env node
// The one script that rebuilds dist/ from src/ (CI fails when dist/ is stale).
// dist/index.js — the Action (one ESM bundle, node24 runtime); dist/cli.mjs — the `loadtest` CLI.
// The esbuild options are in build-options.mjs.
import { build } from 'esbuild';
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { actionBuildOptions, cliBuildOptions, failOnMissingSlimExports } from './build-options.mjs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
failOnMissingSlimExports(await build(actionBuildOptions('dist/index.js')));
failOnMissingSlimExports(await build(cliBuildOptions('dist')));

// The result JSON Schema, generated from the zod Result (one source of truth).
const { generateSchemaText } = await import('./gen-schema.mjs');
const { text, file } = await generateSchemaText();
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, text);
