// `npm run token` / `npm run demo`: runs a command-line tool of the built service (dist/cli/<name>.js)
// in this process, so a call costs one Node start, not a compile. It builds first only when the
// build is missing or older than a source file (a checkout, an edit): a stale dist/ would otherwise
// sign with yesterday's code. Written in Node rather than shell so it runs the same where npm uses
// cmd.exe. Usage: node scripts/run-cli.mjs <name> [arguments of the tool…]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z-]+$/.test(name)) {
  process.stderr.write('usage: node scripts/run-cli.mjs <tool> [arguments…]\n');
  process.exit(2);
}
const tool = path.join(root, 'dist', 'cli', `${name}.js`);

const modified = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};
/** The newest modification time among the sources the build reads (src/**, the TypeScript configurations). */
const newestSource = () => {
  let newest = Math.max(modified(path.join(root, 'tsconfig.json')) ?? 0, modified(path.join(root, 'tsconfig.build.json')) ?? 0);
  for (const entry of readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, modified(path.join(entry.parentPath, entry.name)) ?? 0);
  }
  return newest;
};

const built = modified(tool);
if (built === undefined || built < newestSource()) {
  process.stderr.write(`${built === undefined ? 'No build yet' : 'Sources changed since the last build'}: building (npm run build)…\n`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // The compiler's messages go to stderr, so that what the tool prints on stdout (a token) stays clean.
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) process.exit(build.status ?? 1);
  if (modified(tool) === undefined) {
    process.stderr.write(`no tool ${name} in dist/cli\n`);
    process.exit(2);
  }
}

// The tool reads its own arguments from process.argv, as when started with `node dist/cli/<name>.js`.
process.argv = [process.argv[0], tool, ...args];
await import(pathToFileURL(tool).href);
