// Looks a mapping up by the name given on the command line (`--mapping raw|calibrated`).
import { calibratedMapping } from './calibrated.ts';
import type { Mapping, MappingName } from './mapping.ts';
import { rawMapping } from './raw.ts';

export const mappings: Readonly<Record<MappingName, Mapping>> = { raw: rawMapping, calibrated: calibratedMapping };
