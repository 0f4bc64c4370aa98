/**
 * One writer process for the concurrency test: appends COUNT records to the audit log of the given
 * database with the given key, checkpointing under DATA_ROOT, as a replica sharing the data root would.
 */
import { AuditKey, AuditLog, CheckpointFile } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/index.js';

const env = process.env;
const dataRoot = env.DATA_ROOT ?? '.';
const store = openStore({ databaseUrl: env.DATABASE_URL || undefined, dataRoot });
const log = new AuditLog(store.db, systemClock, {
  key: AuditKey.parse(env.AUDIT_KEY ?? '', 'env', 'AUDIT_KEY'),
  checkpoints: CheckpointFile.under(dataRoot),
});
const count = Number(env.COUNT ?? 10);
try {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      log.append({ actor: `pid${process.pid}`, action: 'test.concurrent', target: `t${i}` }),
    ),
  );
  await log.flush();
} finally {
  await store.close();
}
