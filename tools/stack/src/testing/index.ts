export type { IntegrationEnv } from './integration-env.js';
export { integrationEnv } from './integration-env.js';
export type { TestTopic } from './test-kafka.js';
export { createTestTopic, createTopicsAndWait, testKafka, uniqueGroupId } from './test-kafka.js';
export type { TestPrefix } from './test-s3.js';
export { createTestPrefix, testS3Client } from './test-s3.js';
export type { TestSchema } from './test-schema.js';
export { createTestSchema } from './test-schema.js';
export { uniqueId } from './unique-id.js';
export { default as globalSetup } from './global-setup.js';
export { default as globalTeardown } from './global-teardown.js';
export type { ConsoleProduceOptions } from './console-producer.js';
export { consoleProduce } from './console-producer.js';
export type {
  ProducedRecord,
  RealtimeExpectation,
  RealtimeMinuteRow,
  RealtimeTodayRow,
} from './realtime-oracle.js';
export { recomputeRealtime } from './realtime-oracle.js';
export { CHROMIUM_TEST_ARGS } from './chromium-args.js';
export type { AppRun, AppRunOptions } from './bundled-app.js';
export { killAll, repoRoot, runApp, serviceEnv, startApp, waitFor } from './bundled-app.js';
