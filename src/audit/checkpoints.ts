import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the head is anchored, relative to the data root. */
export const CHECKPOINT_FILE = path.join('audit', 'checkpoints.log');

export interface Checkpoint {
  id: number;
  hash: string;
  time: string;
  /** 1-based line number in the file, to point at it in a report. */
  line: number;
}

export interface CheckpointRead {
  checkpoints: Checkpoint[];
  /** Lines that are not a checkpoint (a torn write after a crash, or an edit); counted, not trusted. */
  malformed: number;
}

const LINE = /^([1-9][0-9]{0,15}) ([0-9a-f]{64}) (\S+)$/;

/**
 * An append-only file outside the database holding "record id, head hash, time" lines. Each line is
 * written with a single write on a descriptor opened with O_APPEND, so lines from several processes
 * sharing the data root never interleave; their order does not matter to verify.
 */
export class CheckpointFile {
  private dirSynced = false;

  constructor(readonly file: string) {}

  static under(dataRoot: string): CheckpointFile {
    return new CheckpointFile(path.join(dataRoot, CHECKPOINT_FILE));
  }

  async append(id: number, hash: string, time: string): Promise<void> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(this.file, 'a', 0o600);
    try {
      await handle.write(`${id} ${hash} ${time}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (!this.dirSynced) {
      // The file's directory entry must survive a crash too, or the anchor could vanish with it.
      const dirHandle = await open(dir, 'r');
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
      this.dirSynced = true;
    }
  }

  async read(): Promise<CheckpointRead> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], malformed: 0 };
      throw error;
    }
    const checkpoints: Checkpoint[] = [];
    let malformed = 0;
    const lines = text.split('\n');
    // A final piece without its newline is a write still in progress (or torn): not a checkpoint.
    if (lines.at(-1) !== '') malformed += 1;
    lines.pop();
    lines.forEach((raw, index) => {
      const match = LINE.exec(raw);
      if (match) {
        checkpoints.push({ id: Number(match[1]), hash: match[2]!, time: match[3]!, line: index + 1 });
      } else {
        malformed += 1;
      }
    });
    return { checkpoints, malformed };
  }
}
