import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs nothing running; `integration` talks to a real Kafka
// broker and Postgres, brought up by the global setup when they are not already up; `faults`
// (issue 16) runs the whole pipeline through crashes and outages on a private broker and
// Postgres of its own, for about ten minutes: not part of `npm test`, run by
// `npm run test:faults` (CI runs it as its own step).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // A few unit tests spawn a process or parse a maximal profile: seconds on a busy 2-core
          // machine. The limit only stops a hang; it is not a speed assertion.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 1_800_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
