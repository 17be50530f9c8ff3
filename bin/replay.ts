// bin/replay: recalibration by replay (app/replay).
import { main } from '../app/replay/main.ts';

await main();
