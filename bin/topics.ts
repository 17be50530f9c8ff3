// bin/topics: creates Kalibra's topics and keeps their configs as desired (app/topics).
import { main } from '../app/topics/main.ts';

await main();
