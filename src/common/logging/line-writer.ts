/**
 * Log lines gathered and written to their stream once per turn of the event loop: under
 * load a request's line joins the others of the same turn in one write, instead of one
 * synchronous write each (stdout to a file or a pipe is synchronous in Node on Linux).
 * Lines keep their order. Whatever is pending is written before the process exits, and at
 * once for a fatal or error line, so a crash loses nothing that was logged.
 */
export class LineWriter {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly stream: () => NodeJS.WritableStream) {
    process.once('exit', () => this.flush());
  }

  write(line: string, urgent = false): void {
    this.pending.push(line);
    if (urgent) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.stream().write(text);
  }
}

/** One writer per stream for the whole process, shared by every logger (the stream looked up at each write, as console does). */
export const stdoutLines = new LineWriter(() => process.stdout);
export const stderrLines = new LineWriter(() => process.stderr);
