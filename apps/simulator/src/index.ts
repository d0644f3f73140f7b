export { Simulation } from './lib/generator/simulation.js';
export type { EmittedRecord, RecordKind } from './lib/generator/simulation.js';
export { DEFAULT_OPTIONS, NO_FAULTS, defaultUsers, resolveOptions } from './lib/options.js';
export type {
  CurrencyShare,
  FaultRates,
  SimulationInput,
  SimulationOptions,
} from './lib/options.js';
export type {
  DailyActiveUsersRow,
  OrdersPerHourRow,
  ProductSalesRow,
  RefundsRow,
  RevenueByCategoryRow,
  RevenueByDayRow,
  SimulationTruth,
  TruthInjectedCounts,
  TruthRecordCounts,
} from './lib/truth/simulation-truth.js';
export { Random, randomUuid } from './lib/random/random.js';
export { ZoneClock, isTimeZone } from './lib/time/zone-clock.js';
export { DEFAULT_CATEGORIES } from './lib/catalog/catalog.js';
export type { CategorySpec } from './lib/catalog/catalog.js';
export { SimulatorError, isSimulatorError, simulatorErrorCodes } from './errors.js';
export type { SimulatorErrorCode } from './errors.js';
