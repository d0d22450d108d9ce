import { createServer } from 'node:net';
import { Pool } from 'pg';
import { createQalam } from '../../../src/app';
import { Api, ADMIN, dropTestState, testConfig, TestApp } from '../../helpers/test-app';

/** A free TCP port on loopback (the kernel picks it; the server listens on it at once after). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Like startTestApp, but on a port known before boot, so that PUBLIC_URL (the base of the
 * links in emails) is this server: the browser follows the invitation's link as it comes.
 */
export async function startBrowserApp(label: string, env: Record<string, string> = {}): Promise<TestApp> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const config = testConfig(label, { PUBLIC_URL: publicUrl, ...env });
  const qalam = await createQalam(config);
  if (qalam.kind !== 'http') throw new Error('startBrowserApp needs an HTTP role');
  await qalam.app.listen(port, '127.0.0.1');
  const api = new Api(publicUrl);
  const db = new Pool({ connectionString: config.databaseUrl, max: 4 });
  db.on('error', () => undefined);
  const adminToken = await api.login(ADMIN.email, ADMIN.password);
  return {
    api,
    config,
    db,
    adminToken,
    nest: qalam.app,
    close: async () => {
      await qalam.app.close();
      await db.end();
      if (!process.env.KEEP_TEST_DB) await dropTestState(config);
    },
  };
}
