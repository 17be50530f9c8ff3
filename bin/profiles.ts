// bin/profiles: validate, show and describe calibration profiles (app/profiles).
import { main } from '../app/profiles/main.ts';

await main();
