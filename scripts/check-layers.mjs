// Enforces the one-way import rule of DESIGN.md: parser → analyses → server → client.
// parser/ imports nothing of server/ or client/; server/ imports nothing of client/;
// client/ imports only types (`import type`) from parser/ and server/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const layerOf = (file) => relative(root, file).split(/[\\/]/)[0];
const forbidden = { parser: ['server', 'client'], server: ['client'], client: ['server', 'parser'] };

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* sources(full);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield full;
  }
}

const importRe = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;
const problems = [];
for (const layer of Object.keys(forbidden)) {
  let dir;
  try { dir = statSync(join(root, layer)).isDirectory() ? join(root, layer) : null; } catch { dir = null; }
  if (!dir) continue;
  for (const file of sources(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[3];
      if (!spec.startsWith('.')) continue;
      const target = layerOf(resolve(dirname(file), spec));
      const typeOnly = Boolean(m[2]);
      if (forbidden[layer].includes(target) && !(layer === 'client' && typeOnly)) {
        problems.push(`${relative(root, file)} imports ${spec} (${layer} must not depend on ${target})`);
      }
    }
  }
}
if (problems.length) {
  console.error('layer violations:\n' + problems.join('\n'));
  process.exit(1);
}
