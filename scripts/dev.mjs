// `npm run start:dev`: builds, then rebuilds on every change (tsc --watch) and restarts the service
// when its output changes (node --watch), while Vite rebuilds the screens into web/dist on every
// change to web/ (reload the page to see them). Written in Node rather than shell so it runs the
// same where npm uses cmd.exe.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
// vite's package exports hide its bin; it sits beside its package.json.
const vite = require.resolve('vite/package.json').replace(/package\.json$/, 'bin/vite.js');
const run = (args) => spawn(process.execPath, args, { stdio: 'inherit' });

// The first build completes before the service starts, so it never starts on a stale dist/.
const build = run([tsc, '-p', 'tsconfig.build.json']);
build.on('exit', (code) => {
  if (code !== 0) process.exit(code ?? 1);
  const children = [
    run([tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput']),
    run([vite, 'build', '--config', 'web/vite.config.ts', '--watch', '--logLevel', 'warn']),
    run(['--watch', '--watch-preserve-output', 'dist/main.js']),
  ];
  const stop = (signal) => {
    for (const child of children) child.kill(signal);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Either one ending ends the other, so nothing is left running.
  for (const child of children) child.on('exit', () => stop('SIGTERM'));
});
