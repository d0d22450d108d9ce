import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchChild } from './child-process';
import { smtpGreeting, waitFor } from './net';
import { SinkKind, smtpSinkPath } from './options';

export interface RunningSink {
  kind: SinkKind;
  child: BenchChild;
  port: number;
  /** Where the sink records every message it accepted (see dump.ts). */
  dumpFile: string;
  /** The command line, for the results. */
  command: string;
}

/**
 * Starts the SMTP sink in a process of its own on a loopback port and waits for its 220.
 * smtp-sink appends every message to `dumpFile` (`-D`); the node sink appends header blocks.
 */
export async function startSink(kind: SinkKind, port: number, workDir: string, nodeSinkScript: string): Promise<RunningSink> {
  const dumpFile = join(workDir, 'received.dump');
  let child: BenchChild;
  let command: string;
  if (kind === 'smtp-sink') {
    const binary = smtpSinkPath();
    if (!binary) throw new Error('smtp-sink is not installed');
    const args = ['-4', '-m', '1024', '-D', dumpFile];
    // smtp-sink refuses to run as root without dropping privileges; the unprivileged user
    // then needs to write the dump into our private directory.
    if (process.getuid?.() === 0) {
      args.unshift('-u', 'nobody');
      await chmod(workDir, 0o777);
    }
    args.push(`127.0.0.1:${port}`, '1024');
    child = new BenchChild('sink', binary, args, join(workDir, 'sink.log'), {});
    command = [binary, ...args].join(' ');
  } else {
    const args = [nodeSinkScript, '--port', String(port), '--dump', dumpFile];
    child = new BenchChild('sink', process.execPath, args, join(workDir, 'sink.log'), { NODE_ENV: 'production' });
    command = ['node', ...args].join(' ');
  }
  await waitFor(
    async () => {
      if (!child.running) throw new Error(`the ${kind} sink ${child.describeExit()}:\n${child.logTail()}`);
      return smtpGreeting(port).catch(() => undefined);
    },
    () => `the ${kind} sink does not answer on port ${port}:\n${child.logTail()}`,
    15_000,
  );
  return { kind, child, port, dumpFile, command };
}
