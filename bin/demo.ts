// bin/demo: the whole pipeline on the local stack with a live view (app/demo).
import { main } from '../app/demo/main.ts';

await main();
