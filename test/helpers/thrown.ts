// The error a call throws, for tests that go on to check its code and message.

/** The error of class `type` that `run` throws; fails when `run` throws nothing, and rethrows an error of another class. */
export function thrownError<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
