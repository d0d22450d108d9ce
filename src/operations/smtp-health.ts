import { createTransport } from 'nodemailer';

/** Whether the SMTP server answers and accepts our login: one short connection, closed after. */
export async function verifySmtp(url: string, timeoutMs: number): Promise<void> {
  const transport = createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as Parameters<typeof createTransport>[0]);
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}
