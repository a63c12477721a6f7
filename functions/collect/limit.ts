/**
 * At most `concurrency` of the functions passed to the returned `limit` run at once; the
 * rest wait in call order. Do not call `limit` from inside a limited function of the same
 * limiter: a task holding a slot while it waits for another slot can deadlock.
 */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  const slots = Math.max(1, Math.floor(Number.isFinite(concurrency) ? concurrency : 1));
  let running = 0;
  const waiting: (() => void)[] = [];

  const acquire = async (): Promise<void> => {
    if (running < slots) {
      running += 1;
      return;
    }
    // The releasing task hands its slot over, so `running` stays the same.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };

  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };

  return async <T>(task: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      return await task();
    } finally {
      release();
    }
  };
}
