// A background job repeated on a timer in each server process: the next run starts one interval
// after the previous one ended (never two at once), the timer does not keep the process alive, and
// stop() waits for a run in progress. Jobs that must run on one node only take a database lock.
export interface RepeatingJob {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function repeat(intervalMs: number, run: () => Promise<void>): RepeatingJob {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      inFlight = run().finally(() => {
        inFlight = undefined;
        if (!stopped) arm();
      });
    }, intervalMs);
    timer.unref();
  };
  arm();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

export const idleJob: RepeatingJob = { stop: async () => undefined };
