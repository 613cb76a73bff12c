#!/usr/bin/env node
// The `tierflow` command (`npx tierflow …`, `npm run tierflow -- …`). tierflow runs its TypeScript
// with tsx, as `npm start` does; registering tsx's loader here, in this same process, keeps one
// process (no tsx CLI in between to relay signals or exit codes) wherever the command is run from.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
