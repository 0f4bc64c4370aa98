// `npm start`: build what is missing or stale, then serve the demo (SQLite under ./data).
import { execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const stale = (output, sources) =>
  !existsSync(output) || sources.some((dir) => existsSync(dir) && newest(dir) > statSync(output).mtimeMs);

if (stale('dist/cli/main.js', ['src'])) execSync('npm run build:server', { stdio: 'inherit' });
if (stale('web/dist/index.html', ['web/src'])) execSync('npm run build:web', { stdio: 'inherit' });

const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--demo', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
