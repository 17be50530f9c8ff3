// bin/sink: the exactly-once Kafka → Postgres sink, --mapping raw|calibrated (app/sink).
import { main } from '../app/sink/main.ts';

await main();
