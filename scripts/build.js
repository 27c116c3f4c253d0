'use strict';
/** Compiles every app and lib in one TypeScript pass, then rewrites the @app/* aliases in the output. */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function build(outDir = path.join(ROOT, 'dist')) {
  fs.rmSync(outDir, { recursive: true, force: true });
  const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return outDir;
}

module.exports = { build };

if (require.main === module) {
  const t = Date.now();
  build();
  process.stdout.write(`[kam] built in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
}
