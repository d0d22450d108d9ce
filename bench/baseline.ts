import { createTransport } from 'nodemailer';

export interface BaselineLetter {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
}

export interface BaselineRun {
  letters: number;
  connections: number;
  inFlight: number;
  seconds: number;
  lettersPerSecond: number;
  /** CPU time of the bench process while the pool ran (the pool is all it does then). */
  cpuSeconds: number;
  /** sendMail calls that failed (the sink should accept every one). */
  errors: number;
  firstError: string | null;
}

/** The baseline letters' Message-IDs, in their own namespace. */
export const baselineMessageId = (index: number) => `<baseline-${index}@bench.qalam.example>`;

/**
 * What SMTP alone costs: the same number of pre-rendered letters pushed through a bare
 * Nodemailer pool into the same sink, with `inFlight` sendMail calls outstanding at any time.
 * Every letter carries `X-Bench-Baseline: <n>` so the sink's record tells the two streams apart.
 */
export async function runBaseline(port: number, letters: number, connections: number, inFlight: number, letter: BaselineLetter): Promise<BaselineRun> {
  const transport = createTransport({ host: '127.0.0.1', port, pool: true, maxConnections: connections, maxMessages: Infinity });
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  const sender = async () => {
    while (next < letters) {
      const index = next;
      next += 1;
      try {
        await transport.sendMail({
          from: letter.from,
          to: letter.to,
          subject: letter.subject,
          text: letter.text,
          messageId: baselineMessageId(index),
          headers: { 'X-Bench-Baseline': String(index) },
        });
      } catch (error) {
        errors += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, letters) }, sender));
  } finally {
    transport.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { letters, connections, inFlight, seconds, lettersPerSecond: letters / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, errors, firstError };
}
