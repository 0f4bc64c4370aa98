import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const LAUNCHER = path.resolve('bin/ibloop');

/**
 * The `ibloop` command's launcher (bin/ibloop), run as npm installs it: through a symlink from another
 * folder, in a package whose dist/cli/main.js is a stand-in that reports what it was started with.
 */
describe('bin/ibloop launcher', () => {
  let root: string;
  let linked: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ibloop-launcher-'));
    const pkg = path.join(root, 'node_modules', 'ibloop');
    await mkdir(path.join(pkg, 'bin'), { recursive: true });
    await mkdir(path.join(pkg, 'dist', 'cli'), { recursive: true });
    await copyFile(LAUNCHER, path.join(pkg, 'bin', 'ibloop'));
    await chmod(path.join(pkg, 'bin', 'ibloop'), 0o755);
    // Allocates and touches 64 MB of typed array, then reports how much of the process's anonymous
    // memory is in transparent huge pages (Linux: /proc/self/smaps_rollup).
    await writeFile(
      path.join(pkg, 'dist', 'cli', 'main.js'),
      `import { readFileSync } from 'node:fs';
const block = new Float64Array(8 * 1024 * 1024).fill(1);
const rollup = (() => { try { return readFileSync('/proc/self/smaps_rollup', 'utf8'); } catch { return ''; } })();
const huge = Number(/AnonHugePages:\\s+(\\d+)/.exec(rollup)?.[1] ?? -1);
process.stdout.write(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES ?? null, args: process.argv.slice(2), hugeKb: huge, sum: block[0] }));
process.exitCode = Number(process.env.EXIT_WITH ?? 0);
`,
    );
    await mkdir(path.join(root, 'node_modules', '.bin'));
    linked = path.join(root, 'node_modules', '.bin', 'ibloop');
    await symlink('../ibloop/bin/ibloop', linked);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const reportSchema = z.object({
    tunables: z.string().nullable(),
    args: z.array(z.string()),
    hugeKb: z.number(),
  });

  function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawnSync(command, args, {
      encoding: 'utf8',
      env: { ...process.env, GLIBC_TUNABLES: undefined, ...env },
    });
    return { status: child.status, report: reportSchema.parse(JSON.parse(child.stdout)) };
  }

  it('package.json names it as the bin, and it is executable', () => {
    const manifest = z
      .object({ bin: z.object({ ibloop: z.string() }) })
      .parse(JSON.parse(readFileSync('package.json', 'utf8')));
    expect(manifest.bin.ibloop).toBe('bin/ibloop');
    expect(statSync(LAUNCHER).mode & 0o111).not.toBe(0);
    expect(readFileSync(LAUNCHER, 'utf8')).toMatch(/^#!\/bin\/sh\n/);
  });

  it('runs dist/cli/main.js beside it through a symlink, arguments and exit code intact', () => {
    const { status, report } = run(linked, ['backtest', 'two words', '--top-n', '20'], { EXIT_WITH: '3' });
    expect(report.args).toEqual(['backtest', 'two words', '--top-n', '20']);
    expect(status).toBe(3);
  });

  it("sets glibc's huge-page tunable for malloc and keeps tunables already set", () => {
    expect(run(linked, []).report.tunables).toBe('glibc.malloc.hugetlb=1');
    expect(run(linked, [], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).report.tunables).toBe(
      'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1',
    );
  });

  // Where the kernel hands out transparent huge pages on request ("madvise") and glibc reads the
  // tunable (2.35+), large typed arrays land in them only when started by the launcher.
  const thp = existsSync('/sys/kernel/mm/transparent_hugepage/enabled')
    ? readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8')
    : '';
  const glibc = z
    .object({ header: z.object({ glibcVersionRuntime: z.string().optional() }) })
    .parse(process.report.getReport()).header.glibcVersionRuntime;
  const [major = 0, minor = 0] = (glibc ?? '0.0').split('.').map(Number);
  const hugeOnRequest = thp.includes('[madvise]') && (major > 2 || (major === 2 && minor >= 35));

  it.runIf(hugeOnRequest)('large typed arrays get huge pages with the launcher, not without', () => {
    const main = path.join(root, 'node_modules', 'ibloop', 'dist', 'cli', 'main.js');
    expect(run(process.execPath, [main]).report.hugeKb).toBe(0);
    expect(run(linked, []).report.hugeKb).toBeGreaterThan(0);
  });
});
