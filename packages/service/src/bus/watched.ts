/** What a Redis-backed book does with each script's answer: a failure is told to `failed` (a metric), then thrown on. */
export function watchedBy(failed: () => void) {
  return async <R>(answer: Promise<R>): Promise<R> => {
    try {
      return await answer;
    } catch (err) {
      failed();
      throw err;
    }
  };
}
