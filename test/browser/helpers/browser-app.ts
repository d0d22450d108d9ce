import { createServer } from 'node:net';
import { startWith, testConfig, TestApp } from '../../helpers/test-app';

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
  return startWith(testConfig(label, { PUBLIC_URL: `http://127.0.0.1:${port}`, ...env }), port);
}
