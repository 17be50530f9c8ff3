// bin/import: loads history into the raw topic (app/import).
import { main } from '../app/import/main.ts';

await main();
