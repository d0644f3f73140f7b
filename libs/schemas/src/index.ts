export { ShoplensError, isShoplensError } from './errors.js';
export type { ShoplensErrorOptions } from './errors.js';
export {
  SCHEMA_VERSION,
  EVENT_TYPES,
  DEVICES,
  UUID_PATTERN,
  CURRENCY_PATTERN,
  baseFields,
  eventFields,
  lineItemFields,
  isEventType,
  CONTRACT_LIMITS,
} from './contract/events.js';
export type {
  EventType,
  EventOf,
  ShopEvent,
  LineItem,
  Device,
  PageViewEvent,
  ProductViewEvent,
  AddToCartEvent,
  RemoveFromCartEvent,
  CheckoutStartedEvent,
  PurchaseEvent,
  RefundEvent,
} from './contract/events.js';
export { COUNTRY_CODES } from './contract/countries.js';
export type { Field, FieldSpec, ObjectShape, InferShape } from './contract/fields.js';
export { CONTROL_CHARACTER } from './contract/fields.js';
export { TOPICS, TOPIC_NAMES, topicFor } from './topics.js';
export type { Topic } from './topics.js';
export { REASON_CODES } from './validation/reasons.js';
export type { ReasonCode, ValidationIssue } from './validation/reasons.js';
export { validateEvent, DEFAULT_MAX_FUTURE_MS } from './validation/validate-event.js';
export type { ValidateOptions, ValidationResult } from './validation/validate-event.js';
export { parseEventLine } from './validation/parse-event-line.js';
export {
  EventLineScanner,
  SCAN_FIELD,
  SCANNED_STRINGS,
  eventScannerTables,
  eventTimeScanner,
  eventTimesScanner,
  type EventTimesScanner,
} from './validation/event-line-scanner.js';
export {
  parseEventTime,
  parseEventTimeBytes,
  EVENT_TIME_PATTERN,
} from './validation/event-time.js';
export { eventJsonSchema, EVENT_SCHEMA_ID } from './json-schema/event-json-schema.js';
export type { JsonSchema } from './json-schema/event-json-schema.js';
export {
  curatedEventsSchema,
  curatedOrderItemsSchema,
  CURATED_DATASETS,
  CURATED_DICTIONARY_COLUMNS,
} from './arrow/curated-schemas.js';
export type { CuratedDataset } from './arrow/curated-schemas.js';
