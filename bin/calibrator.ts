// bin/calibrator: readings.raw → calibrate → readings.calibrated, exactly once (app/calibrator).
import { main } from '../app/calibrator/main.ts';

await main();
