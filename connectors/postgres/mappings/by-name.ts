// Looks a mapping up by the name given on the command line (`--mapping raw|calibrated`).
import { calibratedMapping } from './calibrated.js';
import type { Mapping, MappingName } from './mapping.js';
import { rawMapping } from './raw.js';

export const mappings: Readonly<Record<MappingName, Mapping>> = { raw: rawMapping, calibrated: calibratedMapping };
