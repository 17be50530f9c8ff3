// The Postgres connection option every database process reads, declared once. It is a secret
// because a connection string usually carries the password.
import { defineOptions } from './option.ts';

export const databaseOptions = defineOptions({
  databaseUrl: {
    env: 'DATABASE_URL', type: 'secret', default: 'postgres://postgres@127.0.0.1:5432/kalibra', group: 'Postgres',
    description: 'Postgres connection string (libpq URI; sslmode and the like go in the query string).',
  },
});
