/** Progress lines on stderr, so stdout stays clean for the summary (and for pipes). */
export interface Progress {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  done(): void;
}

export function createProgress(stream: NodeJS.WritableStream, quiet: boolean): Progress {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const write = (line: string) => {
    if (!quiet) stream.write(`${line}\n`);
  };
  return {
    step: (message) => write(`[${elapsed()}] ${message}`),
    info: (message) => write(`         ${message}`),
    // Warnings are shown even with --quiet: they say something was left out.
    warn: (message) => stream.write(`warning: ${message}\n`),
    done: () => write(`[${elapsed()}] Done`),
  };
}
