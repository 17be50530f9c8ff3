// bin/simulate: a fleet of sensors producing raw readings (app/simulate).
import { main } from '../app/simulate/main.ts';

await main();
