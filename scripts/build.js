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
  // Files the apps serve as they are (the embedded tabs' scripts and styles): tsc does not copy them.
  for (const rel of ['apps/gateway/src/tabs/assets']) {
    fs.cpSync(path.join(ROOT, rel), path.join(outDir, rel), { recursive: true });
  }
  return outDir;
}

module.exports = { build };

if (require.main === module) {
  const t = Date.now();
  build();
  process.stdout.write(`[kam] built in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
}
