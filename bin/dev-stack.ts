// `bin/dev-stack`: the local stack (Kafka, Postgres, optionally Kafka Connect). Thin: the
// logic is in dev/stack/ (see `bin/dev-stack --help`).
import { main } from '../dev/stack/command.ts';

process.exitCode = await main(process.argv.slice(2));
