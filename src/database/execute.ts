import type { EntityManager } from 'typeorm';

/** Runs a statement and returns how many rows it touched (EntityManager.query hides that for INSERT). */
export async function execute(manager: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  if (manager.queryRunner) return (await manager.queryRunner.query(sql, parameters, true)).affected ?? 0;
  const runner = manager.connection.createQueryRunner();
  try {
    return (await runner.query(sql, parameters, true)).affected ?? 0;
  } finally {
    await runner.release();
  }
}
