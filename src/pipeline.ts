// Composes the pipeline from the one dissector list: the registry is built here (decode/registry.ts
// never imports the list), then the sensor with its analyzers.
import type { Analyzer } from './analyzers/analyzer.js';
import { buildRegistry, type BindingOverrides, type Registry } from './decode/registry.js';
import { dissectors } from './dissectors/index.js';
import { Sensor } from './sensor.js';

export function defaultRegistry(overrides?: BindingOverrides): Registry {
  return buildRegistry(dissectors, overrides);
}

export function createSensor(analyzers: Analyzer[] = [], registry: Registry = defaultRegistry()): Sensor {
  return new Sensor({ registry, analyzers });
}
