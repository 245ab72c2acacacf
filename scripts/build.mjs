// Builds the CLI/server bundle (dist/cli.js) and the browser client (dist/client/).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, chmodSync } from 'node:fs';

// Split so the CLI's commands load on demand (--help and usage errors skip Fastify and the
// parser); the entry stays dist/cli.js, shared code goes to dist/chunks/ (content-hashed names;
// old chunks are not deleted, so a CLI started by a concurrent test never loses its chunks).
await build({
  entryPoints: { cli: 'server/cli.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);

if (existsSync('client/main.ts')) {
  mkdirSync('dist/client', { recursive: true });
  await build({
    entryPoints: ['client/main.ts'],
    outfile: 'dist/client/main.js',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    loader: { '.css': 'text' },
    logLevel: 'warning',
  });
  cpSync('client/index.html', 'dist/client/index.html');
}
