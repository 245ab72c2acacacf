// Builds the CLI/server bundle (dist/cli.js) and the browser client (dist/client/).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, chmodSync } from 'node:fs';

await build({
  entryPoints: ['server/cli.ts'],
  outfile: 'dist/cli.js',
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
