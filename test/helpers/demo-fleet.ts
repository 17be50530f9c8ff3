// The demo fleet's profiles as the tests know them: a copy in test/fixtures/demo-fleet/, so a
// user who edits calibration-profiles/ (the README's tour changes sensor-001's offset) does not
// break the tests. test/unit/app/demo/demo-fleet-fixture.test.ts keeps the copy equal to the
// committed calibration-profiles/.
import { join } from 'node:path';
import { repoRoot } from './sink-fixtures.ts';

export const DEMO_FLEET_DIR = join(repoRoot, 'test', 'fixtures', 'demo-fleet');
