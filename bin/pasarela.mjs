#!/usr/bin/env node
// The `pasarela` command. In the image the tools are compiled (tools/pasarela.js next to bin/);
// in a checkout they are TypeScript, run through tsx's loader.
import { existsSync } from 'node:fs';

const compiled = new URL('../tools/pasarela.js', import.meta.url);
let entry;
if (existsSync(compiled)) entry = compiled;
else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../tools/pasarela.ts', import.meta.url);
}
const { main } = await import(entry.href);
process.exit(await main(process.argv.slice(2)));
