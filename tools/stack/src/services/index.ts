import type { ServiceName } from '../config.js';
import { airflowService } from './airflow.js';
import { kafkaService } from './kafka.js';
import { postgresService } from './postgres.js';
import { s3Service } from './s3.js';
import type { StackService } from './service.js';

export const services: Readonly<Record<ServiceName, StackService>> = Object.freeze({
  kafka: kafkaService,
  postgres: postgresService,
  s3: s3Service,
  airflow: airflowService,
});
